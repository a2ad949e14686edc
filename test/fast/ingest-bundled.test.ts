/**
 * A full ingest of the real bundled data into a temporary folder lake. Expectations are computed
 * from the bundled CSVs read with arquero's CSV parser, not from the ingest's own.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  curatedTables,
  type ProductionRow,
  type SourceRow,
  type TradeFlow,
  type WorldTradeRow,
} from '../../data-schemas/curated.ts';
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
const REFERENCE_INPUTS = ['countries.csv', 'partner_groups.csv', 'basket.csv', 'screen_frameworks.csv', 'sources.csv'];
const MONTHLY_CSV = join(BUNDLED_DIR, 'comtrade_monthly_us_imports_from_china_854231_854232_2016_2026.csv');
const OEC_CSV = join(BUNDLED_DIR, 'oec_hs4_2846_trade_by_country_2015_2022.csv');
const pathOf = (file: string) => join(REFERENCE_INPUTS.includes(file) ? REFERENCE_DIR : BUNDLED_DIR, file);

const temp = new TempDirs();
let lake: FolderObjectStore;
let manifest: IngestManifest;
let rejects: Reject[];
let trade: TradeFlow[];
let monthly: TradeFlow[];
let world: WorldTradeRow[];
let production: ProductionRow[];
let sources: SourceRow[];
let tradeCsv: Record<string, string>[];

beforeAll(async () => {
  lake = await temp.lake('ingest-bundled');
  manifest = await runIngest({ store: lake, runId: RUN_ID, now: new Date('2026-02-01T06:00:00Z') });
  rejects = await readRejects(lake, RUN_ID);
  const byName = (name: string) => tables.find((t) => t.name === name)!;
  const tradeFlows = await readTable<TradeFlow>(lake, byName('trade_flows'));
  trade = tradeFlows.filter((r) => r.month === 0);
  monthly = tradeFlows.filter((r) => r.month > 0);
  world = await readTable<WorldTradeRow>(lake, byName('world_trade'));
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
  it('has one annual row per CSV data row, none rejected', () => {
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
      expect(row.note).toContain('value converted from million usd (× 1,000,000)');
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
    // and the OEC file's import rows, built from the export line they share
    expect(manifest.sources.bundled.rowsDerived).toBe(
      1 + world.filter((r) => r.dataset.startsWith('oec_') && r.flow === 'M').length,
    );
  });
});

describe('bundled ingest: the monthly series', () => {
  it('lands one monthly trade_flows row per CSV row (month 1–12), US imports from China, customs value', async () => {
    const csv = await readCsvIndependently(MONTHLY_CSV);
    expect(monthly).toHaveLength(csv.length);
    for (const r of monthly) {
      expect(r).toMatchObject({
        source: 'bundled',
        reporter_iso3: 'USA',
        flow: 'M',
        partner_iso3: 'CHN',
        value_basis: 'customs',
        source_id: 'COMTRADE_MONTHLY_USA_CHN',
      });
      expect(r.month).toBeGreaterThanOrEqual(1);
      expect(r.month).toBeLessThanOrEqual(12);
    }
    const total = monthly.reduce((s, r) => s + r.value_usd!, 0);
    expect(total).toBeCloseTo(
      csv.reduce((s, r) => s + Number(r.value_usd), 0),
      0,
    );
  });

  it('sums, month by month, to the annual Comtrade value of every full year (2018–2025, both codes)', () => {
    for (const hs6 of ['854231', '854232']) {
      for (let year = 2018; year <= 2025; year++) {
        const months = monthly.filter((r) => r.hs6 === hs6 && r.year === year);
        expect(months, `${hs6} ${year}`).toHaveLength(12);
        const annual = trade.filter((r) => r.hs6 === hs6 && r.year === year && r.partner_iso3 === 'CHN');
        expect(annual, `${hs6} ${year}`).toHaveLength(1);
        expect(
          months.reduce((s, r) => s + r.value_usd!, 0),
          `${hs6} ${year}`,
        ).toBe(annual[0].value_usd);
      }
    }
  });
});

describe('bundled ingest: world_trade', () => {
  const dataset = (prefix: string) => world.filter((r) => r.dataset.startsWith(prefix));

  it('has every row of the world files, each with its dataset, who declared it, its valuation basis and citation', async () => {
    expect(rejects.filter((r) => r.table === 'world_trade')).toEqual([]);
    for (const [prefix, file, perRow] of [
      ['baci_850511_bilateral_topflows', 'baci_850511_bilateral_topflows_2015_2024.csv', 1],
      ['baci_hs17', 'baci_hs17_v202601_850511_bilateral_2024_full.csv', 1],
      ['comtrade_raw_850511', 'comtrade_raw_850511_usa_mirror_2022_2024.csv', 1],
      ['comtrade_848620', 'comtrade_848620_by_reporter_world_2016_2020.csv', 1],
      ['oec_hs4', 'oec_hs4_2846_trade_by_country_2015_2022.csv', 2],
    ] as const) {
      expect(dataset(prefix).length, file).toBe((await readCsvIndependently(join(BUNDLED_DIR, file))).length * perRow);
    }
    expect(
      new Set(dataset('baci_850511').map((r) => `${r.reported_by} ${r.value_basis} ${r.coverage} ${r.source_id}`)),
    ).toEqual(new Set(['reconciled FOB top_flows CEPII_BACI_V202601_TOPFLOWS']));
    expect(new Set(dataset('baci_850511').map((r) => `${r.year < 2017 ? 'early' : 'late'} ${r.hs_vintage}`))).toEqual(
      new Set(['early H2', 'late H5']),
    );
    expect(new Set(dataset('comtrade_raw').map((r) => `${r.flow} ${r.reported_by} ${r.value_basis}`))).toEqual(
      new Set(['X exporter FOB', 'M importer customs']),
    );
    expect(new Set(dataset('oec_hs4').map((r) => `${r.hs_code} ${r.hs_level}`))).toEqual(new Set(['2846 4']));
  });

  it('maps Taiwan (ISO2 TW, OEC twn, BACI S19, Comtrade 490 as reporter or partner) to TWN, with a note where "Other Asia, nes" was mapped', () => {
    const twn = world.filter((r) => r.exporter_iso3 === 'TWN');
    expect(new Set(twn.map((r) => r.exporter_code))).toEqual(new Set(['TW', 'twn', 'S19', '490']));
    for (const r of twn.filter((r) => ['S19', '490'].includes(r.exporter_code)))
      expect(r.note, r.dataset).toMatch(/"Other Asia, nes" mapped to TWN/);
  });

  it('keeps the mirror pull’s US imports equal to the bundled annual values to the dollar (CHN 2022: 523,843,114)', () => {
    const us = dataset('comtrade_raw').filter((r) => r.flow === 'M' && r.exporter_iso3 === 'CHN' && r.year === 2022);
    expect(us.map((r) => r.value_usd)).toEqual([523_843_114]);
    expect(trade.find((r) => r.hs6 === '850511' && r.year === 2022 && r.partner_iso3 === 'CHN')!.value_usd).toBe(
      523_843_114,
    );
  });

  it('builds one export and one import row per OEC line; an empty value stays null', async () => {
    const csv = await readCsvIndependently(OEC_CSV);
    const oec = dataset('oec_hs4');
    expect(oec.filter((r) => r.flow === 'X')).toHaveLength(csv.length);
    expect(oec.filter((r) => r.flow === 'M')).toHaveLength(csv.length);
    expect(oec.filter((r) => r.flow === 'X').every((r) => r.importer_iso3 === 'WLD' && r.importer_is_aggregate)).toBe(
      true,
    );
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
