import { metricSqlFiles } from '../../src/core/sql/metric-sql.ts';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parquetMetadata } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { allTables, tableByName } from '../../data-schemas/index.ts';
import { tableKeys } from '../../src/core/lake/metric-versions.ts';
import { fileColumnsOf, type ColumnType } from '../../data-schemas/table.ts';
import { runMetrics } from '../../src/core/metrics/metrics.ts';
import { UsageError } from '../../src/core/errors.ts';
import {
  bundledMart,
  bundledMonthlyTrade,
  bundledWorldTrade,
  computedLake,
  fixtureLake,
  martTradeRows,
  productionRows,
  referenceBasket,
  referenceCountries,
  referencePartnerGroups,
  referenceScreenFrameworks,
  tradeRows,
  type FixtureLake,
  type MartRecord,
} from '../support/metrics-fixtures.ts';

const metricTables = allTables.filter((t) => t.zone === 'metrics');

describe('metricSqlFiles', () => {
  test('one file per metric table, each after the metric tables it reads', () => {
    const files = metricSqlFiles();
    expect(files.map((f) => f.table).sort()).toEqual(metricTables.map((t) => t.name).sort());
    for (const [i, file] of files.entries()) {
      expect(file.path).toBe(`sql/metrics/${file.table}.sql`);
      for (const read of file.reads)
        expect(
          files.findIndex((f) => f.table === read),
          `${file.table} reads ${read}`,
        ).toBeLessThan(i);
    }
    const reads = Object.fromEntries(files.map((f) => [f.table, f.reads]));
    expect(reads.trade_cell_sources).toEqual([]);
    expect(reads.supplier_shares).toEqual(['trade_cell_sources']);
    expect(reads.concentration.sort()).toEqual(['supplier_shares', 'trade_cell_sources']);
    expect(reads.trade_trend).toEqual(['dependency']);
    expect(reads.production_concentration).toEqual(['production_shares']);
  });

  test('a file without a metric table, or a metric table without a file, is a usage error', async () => {
    const root = await mkdtemp(join(tmpdir(), 'chainwatch-sql-'));
    try {
      await cp(fileURLToPath(new URL('../../sql/metrics/', import.meta.url)), join(root, 'sql/metrics'), {
        recursive: true,
      });
      await writeFile(join(root, 'sql/metrics/bogus.sql'), 'SELECT 1');
      await rm(join(root, 'sql/metrics/dependency.sql'));
      const error = (() => {
        try {
          metricSqlFiles(root);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(UsageError);
      expect((error as UsageError).message).toMatch(/no table for bogus\.sql; no file for dependency/);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

/** Parquet physical type (and string annotation) each schema column type must be stored as. */
const PARQUET_TYPE: Record<ColumnType, string> = {
  string: 'BYTE_ARRAY',
  int: 'INT32',
  bigint: 'INT64',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
};

async function parquetColumns(lake: FixtureLake, table: string) {
  const [key, ...more] = await tableKeys(lake.store, tableByName(table)!);
  expect(more).toEqual([]);
  const bytes = (await lake.store.get(key))!;
  const meta = parquetMetadata(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
  );
  return {
    rows: Number(meta.num_rows),
    columns: meta.schema.slice(1).map((s) => ({
      name: s.name,
      type: s.type,
      string: s.converted_type === 'UTF8' || s.logical_type?.type === 'STRING',
    })),
  };
}

describe('runMetrics on an empty lake', () => {
  let lake: FixtureLake;
  beforeAll(async () => {
    lake = await fixtureLake();
  });
  afterAll(() => lake.close());

  test('every table is written, empty, and reported', async () => {
    const lines: string[] = [];
    const result = await runMetrics({ engine: lake.engine, onProgress: (line) => lines.push(line) });
    expect(Object.keys(result.tables).sort()).toEqual(metricTables.map((t) => t.name).sort());
    for (const t of metricTables) {
      expect(result.tables[t.name]).toEqual({ rows: 0 });
      expect((await parquetColumns(lake, t.name)).rows).toBe(0);
    }
    expect(lines).toHaveLength(metricTables.length);
    expect(lines[0]).toBe('trade_cell_sources: 0 rows (sql/metrics/trade_cell_sources.sql)');
  });
});

describe('runMetrics on the bundled US import mart', () => {
  let lake: FixtureLake;
  let mart: MartRecord[];
  let result: Awaited<ReturnType<typeof runMetrics>>;
  beforeAll(async () => {
    const ref = await referenceCountries();
    mart = await bundledMart();
    const basket = await referenceBasket();
    lake = await fixtureLake({
      countries: ref,
      partnerGroups: await referencePartnerGroups(),
      basket,
      screenFrameworks: await referenceScreenFrameworks(),
      worldTrade: await bundledWorldTrade(ref),
      trade: [...martTradeRows(ref, mart), ...(await bundledMonthlyTrade(ref, basket))],
      production: productionRows(
        { measure: 'mine_production', unit: 't' },
        {
          CHN: { 2020: 140, 2021: 168, 2022: 210 },
          USA: { 2020: 39, 2021: 43, 2022: 43 },
          OTH: { 2020: 61, 2021: 79, 2022: 47 },
        },
      ),
    });
    result = await runMetrics({ engine: lake.engine });
  });
  afterAll(() => lake.close());

  test('each metric Parquet file has exactly the schema columns, in order, with the declared types', async () => {
    for (const table of metricTables) {
      const { rows, columns } = await parquetColumns(lake, table.name);
      expect(rows, table.name).toBe(result.tables[table.name].rows);
      expect(rows, table.name).toBeGreaterThan(0);
      expect(columns, table.name).toEqual(
        fileColumnsOf(table).map((c) => ({ name: c.name, type: PARQUET_TYPE[c.type], string: c.type === 'string' })),
      );
    }
  });

  test('supplier shares equal the shares the mart computed itself (to its 6 decimals)', async () => {
    expect(result.tables.supplier_shares.rows).toBe(mart.length);
    const { rows } = await lake.engine.query('SELECT hs6, year, value_usd, share FROM supplier_shares');
    const ours = new Map(rows.map((r) => [`${r.hs6}/${r.year}/${r.value_usd}`, r.share as number]));
    for (const m of mart) {
      const share = ours.get(`${m.hs6}/${m.year}/${m.value}`);
      expect(share, `${m.hs6} ${m.year} partner ${m.partnerCode}`).toBeDefined();
      expect(Math.abs(share! - m.martShare)).toBeLessThanOrEqual(5e-7);
    }
  });

  test('HHI and CR1 agree with the mart shares computed in JS', async () => {
    const cells = new Map<string, number[]>();
    for (const m of mart) cells.set(`${m.hs6}/${m.year}`, [...(cells.get(`${m.hs6}/${m.year}`) ?? []), m.value]);
    const { rows } = await lake.engine.query('SELECT hs6, year, hhi, cr1, n_suppliers FROM concentration');
    expect(rows).toHaveLength(cells.size);
    for (const r of rows) {
      const values = cells.get(`${r.hs6}/${r.year}`)!;
      const total = values.reduce((a, b) => a + b, 0);
      expect(r.hhi).toBeCloseTo(
        values.reduce((a, v) => a + (v / total) ** 2, 0),
        12,
      );
      expect(r.cr1).toBeCloseTo(Math.max(...values) / total, 12);
      expect(r.n_suppliers).toBe(values.length);
    }
  });
});

describe('supplier names', () => {
  let lake: FixtureLake;
  beforeAll(async () => {
    const ref = await referenceCountries();
    const rows = tradeRows(ref, { year: 2023 }, { '156': 50, '490': 30, '392': 15 });
    // Japan comes twice under names of the source's own; the lake's countries table does not list it
    const japan = rows.find((r) => r.partner_iso3 === 'JPN')!;
    lake = await computedLake({
      countries: ref.filter((c) => c.iso3 !== 'JPN'),
      trade: [
        ...rows.map((r) => (r === japan ? { ...japan, partner_name: 'Zipangu' } : r)),
        { ...japan, partner_code: '392b', partner_name: 'Nippon', value_usd: 5 },
      ],
    });
  });
  afterAll(() => lake.close());

  test('come from the countries table, and from the source (its first name) where that table has none', async () => {
    expect(await lake.rows('supplier_shares', 'rank')).toMatchObject([
      { partner_iso3: 'CHN', partner_name: 'China', value_usd: 50, rank: 1 },
      { partner_iso3: 'TWN', partner_name: 'Taiwan', value_usd: 30, rank: 2 },
      { partner_iso3: 'JPN', partner_name: 'Nippon', value_usd: 20, rank: 3 },
    ]);
  });
});
