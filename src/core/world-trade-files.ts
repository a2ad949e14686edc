/**
 * The bundled world-trade files, by kind: each file is one `world_trade` dataset (its name without
 * `.csv`), never added to another. The ingest reads them by these patterns; the CDK app projects
 * the table's `dataset` partitions from the same list.
 */
export const WORLD_TRADE_FILES = {
  /** CEPII BACI edge list (exporter × importer, ISO2), most of the world's value per year. */
  baciTopflows: /^baci_\d{6}_bilateral_topflows_\d{4}_\d{4}\.csv$/,
  /** CEPII BACI, every flow of one product and year (ISO3). */
  baciFull: /^baci_hs17_v\d+_\d{6}_bilateral_\d{4}_full\.csv$/,
  /** UN Comtrade mirror flows: partners' exports to the USA and the USA's imports. */
  comtradeMirror: /^comtrade_raw_\d{6}_usa_mirror_\d{4}_\d{4}\.csv$/,
  /** UN Comtrade, every reporter's trade of one product with World. */
  comtradeByReporter: /^comtrade_\d{6}_by_reporter_world_\d{4}_\d{4}\.csv$/,
  /** OEC exports and imports by country of one HS4 heading. */
  oecHs4: /^oec_hs4_\d{4}_trade_by_country_\d{4}_\d{4}\.csv$/,
} as const;

export const isWorldTradeFile = (file: string): boolean => Object.values(WORLD_TRADE_FILES).some((p) => p.test(file));

/** A world-trade file's dataset name: the file name without `.csv`. */
export const worldTradeDataset = (file: string): string => file.replace(/\.csv$/, '');
