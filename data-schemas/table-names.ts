/**
 * The lake's tables by name, without their schemas: what a command needs before it loads zod and the
 * schemas (about 0.1 s of start-up), e.g. whether a statement names a table at all (`select 1` does not).
 * data-schemas/curated.ts and metrics.ts define each of them; a test holds the two lists equal.
 */
export const TABLE_NAMES = [
  'trade_flows',
  'production',
  'sources',
  'countries',
  'partner_groups',
  'basket',
  'world_trade',
  'screen_frameworks',
  'trade_cell_sources',
  'supplier_shares',
  'concentration',
  'dependency',
  'trade_trend',
  'production_latest',
  'production_shares',
  'production_trend',
  'production_concentration',
  'world_supply',
  'supply_two_sided',
  'screen_criteria',
  'dependency_screen',
  'screen_persistence',
  'screen_churn',
  'mirror_gaps',
  'monthly_anomalies',
  'coverage',
] as const;

/** Object-store prefix of a table: `curated/trade_flows/`. */
export const tablePrefix = (table: { zone: 'curated' | 'metrics'; name: string }): string =>
  `${table.zone}/${table.name}/`;
