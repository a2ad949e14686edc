/**
 * Tiny fixture lakes for the metric SQL tests: rows shaped as ingest lands them (partner codes
 * mapped through the reference countries.csv, so Comtrade 490 becomes TWN and World is flagged
 * aggregate), written with the real Parquet writer, queried through the real DuckDB engine.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableByName } from '../../data-schemas/index.ts';
import type {
  BasketRow,
  CountryRow,
  PartnerGroupRow,
  ProductionRow,
  ScreenFrameworkRow,
  TradeFlow,
  WorldTradeRow,
} from '../../data-schemas/curated.ts';
import type { TableDef } from '../../data-schemas/table.ts';
import { parseCsv } from '../../src/core/ingest/csv.ts';
import { referenceRows } from '../../src/core/ingest/reference.ts';
import { normalizeMonthlyTrade } from '../../src/core/ingest/trade.ts';
import { normalizeWorldTrade } from '../../src/core/ingest/world-trade.ts';
import { isWorldTradeFile } from '../../src/core/world-trade-files.ts';
import { runMetrics } from '../../src/core/metrics/metrics.ts';
import { DuckDBQueryEngine } from '../../src/adapters/duckdb-engine/duckdb-engine.ts';
import type { SqlValue } from '../../src/core/seams/query-engine.ts';
import { orderBy, writePartitions } from '../../src/core/lake/partitions.ts';
import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';

const table = (name: string): TableDef => tableByName(name)!;

async function referenceTable<R>(file: string, name: string): Promise<R[]> {
  const text = await readFile(new URL(`../../data-schemas/reference/${file}`, import.meta.url), 'utf8');
  const { candidates, rejects } = referenceRows(parseCsv(text, file), table(name));
  if (rejects.length > 0) throw new Error(`${file}: ${rejects[0].reason}`);
  return candidates.map((c) => c.row as R);
}

export const referenceCountries = (): Promise<CountryRow[]> => referenceTable('countries.csv', 'countries');
export const referencePartnerGroups = (): Promise<PartnerGroupRow[]> =>
  referenceTable('partner_groups.csv', 'partner_groups');
export const referenceBasket = (): Promise<BasketRow[]> => referenceTable('basket.csv', 'basket');
export const referenceScreenFrameworks = (): Promise<ScreenFrameworkRow[]> =>
  referenceTable('screen_frameworks.csv', 'screen_frameworks');

const BUNDLED = new URL('../../data/bundled/', import.meta.url);
const bundledCsv = async (file: string) => parseCsv(await readFile(new URL(file, BUNDLED), 'utf8'), file);

/** The bundled world-trade files as ingest normalizes them (every row must pass). */
export async function bundledWorldTrade(ref: readonly CountryRow[]): Promise<WorldTradeRow[]> {
  const files = (await readdir(BUNDLED)).filter(isWorldTradeFile).sort();
  const rows: WorldTradeRow[] = [];
  for (const file of files) {
    const { candidates, rejects } = normalizeWorldTrade(await bundledCsv(file), { countries: ref, latestYear: 2026 });
    if (rejects.length > 0) throw new Error(`${file}:${rejects[0].line}: ${rejects[0].reason}`);
    rows.push(...candidates.map((c) => c.row));
  }
  return rows;
}

const MONTHLY_FILE = 'comtrade_monthly_us_imports_from_china_854231_854232_2016_2026.csv';

/** The bundled monthly series as ingest normalizes it: monthly trade_flows rows. */
export async function bundledMonthlyTrade(
  ref: readonly CountryRow[],
  basket: readonly BasketRow[],
): Promise<TradeFlow[]> {
  const { candidates, rejects } = normalizeMonthlyTrade(await bundledCsv(MONTHLY_FILE), {
    countries: ref,
    basket,
    latestYear: 2026,
  });
  if (rejects.length > 0) throw new Error(`${MONTHLY_FILE}:${rejects[0].line}: ${rejects[0].reason}`);
  return candidates.map((c) => c.row);
}

export interface WorldCell {
  year: number;
  hs_code: string;
  dataset?: string;
  coverage?: WorldTradeRow['coverage'];
  reported_by?: WorldTradeRow['reported_by'];
  flow?: WorldTradeRow['flow'];
  /** Importer of every row (default WLD: exports to the world). */
  importer?: string;
}

/** world_trade rows of one dataset-year: `{ exporterIso3: valueUsd }`, exports to World unless told. */
export function worldRows(cell: WorldCell, exporters: Record<string, number>): WorldTradeRow[] {
  const importer = cell.importer ?? 'WLD';
  return Object.entries(exporters).map(([iso3, value]) => ({
    source: 'bundled',
    dataset: cell.dataset ?? 'test_world',
    year: cell.year,
    hs_code: cell.hs_code,
    hs_level: cell.hs_code.length,
    hs_vintage: null,
    exporter_iso3: iso3,
    exporter_code: iso3,
    exporter_is_aggregate: iso3 === 'WLD',
    importer_iso3: importer,
    importer_code: importer,
    importer_is_aggregate: importer === 'WLD',
    reported_by: cell.reported_by ?? 'exporter',
    flow: cell.flow ?? 'X',
    value_usd: value,
    value_basis: 'FOB',
    quantity_t: null,
    coverage: cell.coverage ?? 'complete',
    source_id: 'TEST_FIXTURE',
    note: null,
  }));
}

/** One record of the bundled US import mart, with the share the mart itself computed. */
export interface MartRecord {
  hs6: string;
  year: number;
  partnerCode: string;
  value: number;
  martShare: number;
}

export async function bundledMart(): Promise<MartRecord[]> {
  const file = 'us_imports_by_partner_hs6.csv';
  const text = await readFile(new URL(`../../data/bundled/${file}`, import.meta.url), 'utf8');
  return parseCsv(text, file).records.map(({ values: v }) => ({
    hs6: v.canonical_product_id,
    year: Number(v.year),
    partnerCode: v.partner_code,
    value: Number(v.import_value_usd),
    martShare: Number(v.share),
  }));
}

/** The bundled mart as trade_flows rows (source 'bundled', one cell per product and year). */
export function martTradeRows(ref: readonly CountryRow[], mart: readonly MartRecord[]): TradeFlow[] {
  const cells = new Map<string, { cell: TradeCell; partners: Record<string, number> }>();
  for (const r of mart) {
    const key = `${r.hs6}/${r.year}`;
    const entry = cells.get(key) ?? { cell: { year: r.year, hs6: r.hs6 }, partners: {} };
    entry.partners[r.partnerCode] = r.value;
    cells.set(key, entry);
  }
  return [...cells.values()].flatMap(({ cell, partners }) => tradeRows(ref, cell, partners));
}

export interface TradeCell {
  year: number;
  hs6?: string;
  source?: string;
  reporter_iso3?: string;
  flow?: 'M' | 'X';
  month?: number;
}

/** Trade rows for one cell from `{ comtradePartnerCode: valueUsd }`, mapped the way ingest maps them. */
export function tradeRows(
  ref: readonly CountryRow[],
  cell: TradeCell,
  partners: Record<string, number | null>,
): TradeFlow[] {
  return Object.entries(partners).map(([code, value]) => {
    const country = ref.find((c) => c.comtrade_code === code);
    if (!country) throw new Error(`fixture: Comtrade code ${code} is not in countries.csv`);
    return {
      source: cell.source ?? 'bundled',
      year: cell.year,
      month: cell.month ?? 0,
      reporter_iso3: cell.reporter_iso3 ?? 'USA',
      reporter_code: '842',
      partner_iso3: country.iso3,
      partner_code: code,
      // what Comtrade calls the partner, not the reference name: the SQL must not depend on it
      partner_name: code === '490' ? 'Other Asia, nes' : country.name,
      partner_is_aggregate: country.is_aggregate,
      flow: cell.flow ?? 'M',
      hs6: cell.hs6 ?? '854231',
      hs_vintage: 'H5',
      value_usd: value,
      value_basis: 'CIF',
      quantity: null,
      quantity_unit: null,
      net_weight_kg: null,
      is_estimated: false,
      is_mirror: false,
      is_suppressed: value === null,
      source_id: 'TEST_FIXTURE',
      note: null,
    };
  });
}

export interface ProductionSeries {
  measure: string;
  unit: string;
  sector?: string;
  commodity?: string;
  stage?: ProductionRow['stage'];
  source_id?: string;
  /** Ingest source (the `source` partition); default bundled. */
  source?: string;
  is_projection?: boolean;
  unit_detail?: string | null;
}

const AGGREGATE_GEOS = new Set(['WLD', 'OTH', 'EUR', 'EASIA', 'EU', 'CHN_HKG']);

/** Production rows of one series from `{ geo: { year: value } }`. */
export function productionRows(
  series: ProductionSeries,
  values: Record<string, Record<number, number | null>>,
): ProductionRow[] {
  return Object.entries(values).flatMap(([geo, byYear]) =>
    Object.entries(byYear).map(([year, value]) => ({
      source: series.source ?? 'bundled',
      sector: series.sector ?? 'test_sector',
      commodity: series.commodity ?? 'test_commodity',
      stage: series.stage ?? 'mining',
      measure: series.measure,
      geo_iso3: geo,
      geo_name: geo,
      geo_is_aggregate: AGGREGATE_GEOS.has(geo),
      period: year,
      year: Number(year),
      value,
      unit: series.unit,
      unit_detail: series.unit_detail ?? null,
      qualifier: null,
      is_projection: series.is_projection ?? false,
      source_id: series.source_id ?? 'TEST_FIXTURE',
      note: null,
    })),
  );
}

export interface LakeRows {
  trade?: TradeFlow[];
  production?: ProductionRow[];
  partnerGroups?: PartnerGroupRow[];
  countries?: CountryRow[];
  basket?: BasketRow[];
  worldTrade?: WorldTradeRow[];
  screenFrameworks?: ScreenFrameworkRow[];
}

export interface FixtureLake {
  root: string;
  store: FolderObjectStore;
  engine: DuckDBQueryEngine;
  /** All rows of a table as plain objects, ordered by the given columns. */
  rows(table: string, order: string): Promise<Record<string, SqlValue>[]>;
  close(): Promise<void>;
}

/** A temp lake folder with the given curated rows and an engine on it. */
export async function fixtureLake(rows: LakeRows = {}): Promise<FixtureLake> {
  const root = await mkdtemp(join(tmpdir(), 'chainwatch-metrics-'));
  const store = new FolderObjectStore(root);
  const tables: [string, Record<string, unknown>[] | undefined][] = [
    ['trade_flows', rows.trade],
    ['production', rows.production],
    ['partner_groups', rows.partnerGroups],
    ['countries', rows.countries],
    ['basket', rows.basket],
    ['world_trade', rows.worldTrade],
    ['screen_frameworks', rows.screenFrameworks],
  ];
  for (const [name, data] of tables) {
    const def = table(name);
    if (data) await writePartitions(store, def, data, orderBy(...Object.keys(def.schema.shape)));
  }
  const engine = await DuckDBQueryEngine.create({ lakeRoot: root, store });
  return {
    root,
    store,
    engine,
    rows: async (table, order) => (await engine.query(`SELECT * FROM ${table} ORDER BY ${order}`)).rows,
    close: async () => {
      await engine.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** A fixture lake with every metric table computed by the real SQL files. */
export async function computedLake(rows: LakeRows): Promise<FixtureLake> {
  const lake = await fixtureLake(rows);
  try {
    await runMetrics({ engine: lake.engine });
  } catch (error) {
    await lake.close();
    throw error;
  }
  return lake;
}
