/**
 * A full ingest of the real bundled data into a temporary folder lake. Expectations are computed
 * from the bundled CSVs read with arquero's CSV parser, not from the ingest's own.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { curatedTables, type ProductionRow, type SourceRow, type TradeFlow } from '../../data-schemas/curated.ts';
import { columnsOf, partitionColumnsOf, tablePrefix } from '../../data-schemas/table.ts';
import { runIngest } from '../../src/core/ingest/ingest.ts';
import type { IngestManifest } from '../../src/core/lake/manifest.ts';
import type { Reject } from '../../src/core/ingest/rows.ts';
import { readTable } from '../../src/core/lake/read-table.ts';
import type { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';
import { BUNDLED_DIR, readCsvIndependently, readRejects, REFERENCE_DIR, TempDirs } from '../support/ingest-support.ts';

const RUN_ID = 'bundled-test';
const TRADE_CSV = join(BUNDLED_DIR, 'us_imports_by_partner_hs6.csv');
const EV_CSV = join(BUNDLED_DIR, 'ev_batteries_and_minerals.csv');
const USGS_CSV = join(BUNDLED_DIR, 'usgs_mcs2026_world_production.csv');
const tables = curatedTables;
const REFERENCE_INPUTS = ['countries.csv', 'partner_groups.csv', 'basket.csv', 'sources.csv'];
const pathOf = (file: string) => join(REFERENCE_INPUTS.includes(file) ? REFERENCE_DIR : BUNDLED_DIR, file);

const temp = new TempDirs();
let lake: FolderObjectStore;
let manifest: IngestManifest;
let rejects: Reject[];
let trade: TradeFlow[];
let production: ProductionRow[];
let sources: SourceRow[];
let tradeCsv: Record<string, string>[];

beforeAll(async () => {
  lake = await temp.lake('ingest-bundled');
  manifest = await runIngest({ store: lake, runId: RUN_ID, now: new Date('2026-02-01T06:00:00Z') });
  rejects = await readRejects(lake, RUN_ID);
  const byName = (name: string) => tables.find((t) => t.name === name)!;
  trade = await readTable<TradeFlow>(lake, byName('trade_flows'));
  production = await readTable<ProductionRow>(lake, byName('production'));
  sources = await readTable<SourceRow>(lake, byName('sources'));
  tradeCsv = await readCsvIndependently(TRADE_CSV);
});

afterAll(() => temp.removeAll());

describe('bundled ingest: run manifest and raw copies', () => {
  it('succeeds and accounts for every row read', () => {
    const run = manifest.sources.bundled;
    expect(manifest.outcome).toBe('succeeded');
    expect(run.rowsIn + run.rowsDerived).toBe(run.rowsOut + run.rowsRejected + run.rowsDuplicate);
    expect(run.rowsRejected).toBe(rejects.length);
    expect(run.rowsOut).toBe(Object.values(run.tables).reduce((n, t) => n + t.rows, 0));
    expect(Object.keys(run.tables).sort()).toEqual(tables.map((t) => t.name).sort());
    expect(manifest.finishedAt).toBe('2026-02-01T06:00:00.000Z');
  });

  it('counts the data rows of each CSV input as arquero reads them', async () => {
    for (const input of manifest.sources.bundled.inputs.filter((i) => i.file.endsWith('.csv'))) {
      expect(input.rows, input.file).toBe((await readCsvIndependently(pathOf(input.file))).length);
    }
  });

  it('lands each input byte for byte under raw/bundled/<sha256, 16 hex>/<file>', async () => {
    const inputs = manifest.sources.bundled.inputs;
    expect(inputs.map((i) => i.file).sort()).toEqual([...(await readdir(BUNDLED_DIR)), ...REFERENCE_INPUTS].sort());
    for (const input of inputs) {
      const original = await readFile(pathOf(input.file));
      const sha = createHash('sha256').update(original).digest('hex');
      expect(input.sha256).toBe(sha);
      expect(input.rawKey).toBe(`raw/bundled/${sha.slice(0, 16)}/${input.file}`);
      expect(Buffer.from((await lake.get(input.rawKey))!).equals(original)).toBe(true);
    }
  });
});

describe('bundled ingest: trade_flows', () => {
  it('has one row per CSV data row, none rejected', () => {
    expect(tradeCsv.length).toBe(8350);
    expect(trade.length).toBe(tradeCsv.length);
    expect(rejects.filter((r) => r.table === 'trade_flows')).toEqual([]);
  });

  it('keeps every import value (same total as the CSV)', () => {
    const csvTotal = tradeCsv.reduce((s, r) => s + Number(r.import_value_usd), 0);
    const total = trade.reduce((s, r) => s + r.value_usd!, 0);
    expect(total).toBeCloseTo(csvTotal, 0);
  });

  it('maps partner 490 to TWN with a visible note', () => {
    const csv490 = tradeCsv.filter((r) => r.partner_code === '490');
    const rows490 = trade.filter((r) => r.partner_code === '490');
    expect(csv490.length).toBeGreaterThan(0);
    expect(rows490.length).toBe(csv490.length);
    for (const r of rows490) {
      expect(r.partner_iso3).toBe('TWN');
      expect(r.note).toContain('partner 490 "Other Asia, nes" mapped to TWN');
    }
    expect(trade.filter((r) => r.partner_code !== '490' && r.note?.includes('490'))).toEqual([]);
  });

  it('has no aggregate partners and keeps names with commas', () => {
    expect(trade.filter((r) => r.partner_is_aggregate)).toEqual([]);
    expect(trade.some((r) => r.partner_iso3 === 'HKG' && r.partner_name === 'China, Hong Kong SAR')).toBe(true);
  });

  it('states what the mart is: US customs-value annual imports, bundled source, HS vintage bridged', () => {
    const years = new Set(tradeCsv.map((r) => Number(r.year)));
    for (const r of trade) {
      expect(r).toMatchObject({
        source: 'bundled',
        month: 0,
        reporter_iso3: 'USA',
        reporter_code: '842',
        flow: 'M',
        value_basis: 'customs',
        source_id: 'AKASHOK1_COMTRADE',
        hs_vintage: null,
      });
      expect(years.has(r.year)).toBe(true);
    }
    expect(Object.keys(trade[0]).sort()).toEqual(
      columnsOf(tables.find((t) => t.name === 'trade_flows')!)
        .map((c) => c.name)
        .sort(),
    );
  });
});

describe('bundled ingest: production', () => {
  const find = (p: Partial<ProductionRow>) =>
    production.filter((r) => Object.entries(p).every(([k, v]) => r[k as keyof ProductionRow] === v));

  it('has the US share of chip manufacturing capacity: 37 % in 1990, 12 % in 2020 (BCG 2020)', () => {
    const us = { measure: 'fab_capacity_share', geo_iso3: 'USA', source_id: 'BCG_2020_WEB' };
    expect(find({ ...us, year: 1990 }).map((r) => r.value)).toEqual([37]);
    expect(find({ ...us, year: 2020 }).map((r) => r.value)).toEqual([12]);
    expect(find({ ...us, year: 1990 })[0]).toMatchObject({
      sector: 'semiconductors',
      stage: 'manufacturing',
      unit: 'percent',
      unit_detail: 'percent_of_global',
      is_projection: false,
    });
  });

  it('has Taiwan at about 22 % of installed wafer capacity, Dec 2019 (DigiTimes / IC Insights)', () => {
    const [row] = find({ geo_iso3: 'TWN', source_id: 'DIGITIMES_2020' });
    expect(row).toMatchObject({ period: '2019-12', year: 2019, qualifier: 'about' });
    expect(row.value).toBeCloseTo(22, 6);
  });

  it('quarantines every UNVERIFIED row and ships none of them', async () => {
    const unverified = (await readCsvIndependently(EV_CSV)).filter((r) => r.note.includes('UNVERIFIED'));
    const quarantined = rejects.filter((r) => r.reason === 'unverified source; see data/bundled/SOURCES.md');
    expect(unverified.length).toBeGreaterThan(0);
    expect(quarantined.map((r) => r.row)).toEqual(unverified);
    expect(find({ source_id: 'IEA_MIRROR_WUNGIEL' })).toEqual([]);
  });

  it('keeps withheld (W) values as null, never 0', async () => {
    // Both files carry the same withheld US lithium figure; it lands once (same series, geo, year).
    const tidyW = (await readCsvIndependently(EV_CSV))
      .filter((r) => r.qualifier === 'W')
      .map((r) => `${r.geo}|${r.year}`);
    const usgsW = (await readCsvIndependently(USGS_CSV))
      .filter((r) => r.raw_value === 'W')
      .map((r) => `${r.iso3}|${r.year}`);
    const withheld = find({ qualifier: 'W' });
    expect(withheld.length).toBe(new Set([...tidyW, ...usgsW]).size);
    expect(withheld.every((r) => r.value === null)).toBe(true);
  });

  it('converts million_usd to usd and says so', async () => {
    const csv = (await readCsvIndependently(join(BUNDLED_DIR, 'rare_earths.csv'))).filter(
      (r) => r.unit === 'million_usd',
    );
    expect(csv.length).toBeGreaterThan(0);
    for (const r of csv) {
      const [row] = find({ measure: r.indicator, period: r.year, source_id: r.source_id });
      expect(row.unit).toBe('usd');
      expect(row.value).toBeCloseTo(Number(r.value) * 1e6, 3);
      expect(row.note).toContain('million_usd');
    }
  });

  it('names USGS totals WLD / OTH and flags them (and every other group) as aggregates', async () => {
    const totals = (await readCsvIndependently(USGS_CSV)).filter((r) => r.iso3 === '');
    expect(totals.length).toBeGreaterThan(0);
    for (const t of totals) {
      const rows = find({ geo_name: t.country, period: t.year });
      expect(rows.length, t.country).toBeGreaterThan(0);
      for (const r of rows) expect(r.geo_iso3).toBe(t.country.startsWith('World total') ? 'WLD' : 'OTH');
    }
    const aggregates = new Set(
      (await readCsvIndependently(join(REFERENCE_DIR, 'countries.csv')))
        .filter((c) => c.is_aggregate === 'true')
        .map((c) => c.iso3),
    );
    for (const r of production) expect(r.geo_is_aggregate, r.geo_iso3).toBe(aggregates.has(r.geo_iso3));
  });

  it('gives each row a stage, a canonical unit and a year consistent with its period', () => {
    for (const r of production) {
      expect(['t', 't_REO', 'kg', 'percent', 'usd', 'GWh', 'TWh']).toContain(r.unit);
      const years = (r.period.match(/\d{4}/g) ?? []).map(Number);
      expect(r.year).toBe(years.length ? Math.max(...years) : null);
    }
    expect(find({ period: '2020-2030' })[0]?.is_projection).toBe(true);
  });

  it('has one row per key (duplicates dropped, conflicts quarantined)', () => {
    const keys = new Set(
      production.map((r) => [r.sector, r.commodity, r.measure, r.geo_iso3, r.period, r.source_id].join('|')),
    );
    expect(keys.size).toBe(production.length);
  });
});

describe('bundled ingest: sources and provenance', () => {
  it('cites every source_id a curated row uses', async () => {
    const cited = new Set(sources.map((s) => s.source_id));
    for (const table of tables.filter(
      (t) => t.name !== 'sources' && columnsOf(t).some((c) => c.name === 'source_id'),
    )) {
      for (const row of await readTable<{ source_id: string }>(lake, table))
        expect(cited.has(row.source_id), `${table.name}: ${row.source_id}`).toBe(true);
    }
  });

  it('reads the SOURCES.md tables: shorthand ids expanded, URL, licence, secondary flag', () => {
    const byId = new Map(sources.map((s) => [s.source_id, s]));
    for (const id of [
      'INVESTINGNEWS_2019',
      'INVESTINGNEWS_2021',
      'INVESTINGNEWS_2024',
      'USGS_MCS2026_LI',
      'USGS_MCS2026_CO',
      'USGS_MCS2026_GR',
    ])
      expect(byId.has(id), id).toBe(true);
    expect(byId.get('IEA_GEVO2024')).toMatchObject({
      licence: 'CC BY 4.0',
      topic: 'EV batteries & battery minerals',
      url: 'https://www.iea.org/reports/global-ev-outlook-2024/trends-in-electric-vehicle-batteries',
    });
    expect(byId.get('FORBES_2020')?.is_secondary).toBe(true);
    expect(byId.get('BCG_2020_WEB')).toMatchObject({ is_secondary: false, licence: null, topic: 'Semiconductors' });
    expect(rejects.some((r) => r.file === 'SOURCES.md' && r.row.source_id === '(context) CRS R46304')).toBe(true);
  });

  it('builds the gallium citation from the USGS file itself', () => {
    const ga = sources.find((s) => s.source_id === 'USGS_MCS2026_GA');
    expect(ga).toBeDefined();
    expect(ga!.citation).toBe('USGS, MCS 2026 (Feb 2026), "Gallium"');
    expect(ga!.where_seen).toContain('data/audit/gallium/data.json');
    expect(production.filter((r) => r.commodity === 'gallium').every((r) => r.source_id === 'USGS_MCS2026_GA')).toBe(
      true,
    );
    expect(manifest.sources.bundled.rowsDerived).toBe(1);
  });
});

describe('bundled ingest: curated Parquet is readable', () => {
  it('by readTable and by DuckDB read_parquet(hive_partitioning=true), with the same row counts', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    try {
      for (const table of tables) {
        const keys = await lake.list(tablePrefix(table));
        const expected = manifest.sources.bundled.tables[table.name].rows;
        expect(keys.length, table.name).toBe(manifest.sources.bundled.tables[table.name].partitionsWritten);
        expect((await readTable(lake, table)).length, table.name).toBe(expected);
        const glob = join(lake.root, tablePrefix(table), '**', '*.parquet');
        const reader = await conn.runAndReadAll(`SELECT * FROM read_parquet('${glob}', hive_partitioning = true)`);
        expect(reader.currentRowCount, table.name).toBe(expected);
        const names = reader.columnNames();
        for (const c of columnsOf(table)) expect(names, `${table.name}.${c.name}`).toContain(c.name);
        if (partitionColumnsOf(table).length === 0) expect(keys).toEqual([`${tablePrefix(table)}part-00000.parquet`]);
      }
    } finally {
      conn.closeSync();
    }
  });
});
