/**
 * The metrics step keeps a table whose inputs are unchanged since it was written: on the bundled lake,
 * what a new monthly partition, a changed annual partition, a changed SQL file and a hand-edited
 * output each make it recompute — and that what it keeps is what a full recomputation would write. A
 * table declared `recompute-from` computes only the months from the earliest changed one, to the same bits.
 */
import { scaled } from '../support/slowdown.ts';
import { metricSqlFiles, partitionFiltersOf, recomputeFromOf } from '../../src/core/sql/metric-sql.ts';
import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tradeFlows, type TradeFlow } from '../../data-schemas/curated.ts';
import { concentration, metricTables } from '../../data-schemas/metrics.ts';
import { tableKeys } from '../../src/core/lake/metric-versions.ts';
import { rowOrder } from '../../src/core/ingest/partition-merge.ts';

import { runMetrics, type MetricsResult } from '../../src/core/metrics/metrics.ts';
import { FileHashes, fingerprintInputs, producerOf, recomputePlan } from '../../src/core/metrics/metric-inputs.ts';
import { DuckDBQueryEngine } from '../../src/adapters/duckdb-engine/duckdb-engine.ts';
import { UsageError } from '../../src/core/errors.ts';
import { writePartitions } from '../../src/core/lake/partitions.ts';
import { readTable } from '../../src/core/lake/read-table.ts';
import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';
import { bundledBuild } from '../support/bundled-site.ts';

const TRADE_METRICS = ['trade_cell_sources', 'supplier_shares', 'concentration', 'dependency', 'trade_trend'];
const PRODUCTION_METRICS = ['production_latest', 'production_shares', 'production_trend', 'production_concentration'];
/** Metrics that read monthly trade rows (coverage counts them): a new month recomputes them and nothing else. */
const MONTHLY_METRICS = ['monthly_anomalies', 'coverage'];
/** Metrics that read neither US trade nor monthly rows: world trade, production and the reference tables. */
const WORLD_METRICS = ['world_supply', 'mirror_gaps'];

let work: string;
/** The bundled lake with its metrics, shared read-only (test/support/bundled-site.ts): every test works on a copy. */
let base: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'chainwatch-metrics-incremental-'));
  ({ lake: base } = await bundledBuild());
}, scaled(150_000));
afterAll(() => rm(work, { recursive: true, force: true }));

async function metrics(lakeRoot: string, o: { force?: boolean; root?: string } = {}): Promise<MetricsResult> {
  const store = new FolderObjectStore(lakeRoot);
  const engine = await DuckDBQueryEngine.create({ lakeRoot, store });
  try {
    return await runMetrics({ engine, store, ...o });
  } finally {
    await engine.close();
  }
}

const kept = (r: MetricsResult) =>
  Object.entries(r.tables)
    .filter(([, t]) => t.kept)
    .map(([n]) => n)
    .sort();
let copies = 0;
const monthlyAnomalies = metricTables.find((t) => t.name === 'monthly_anomalies')!;
/**
 * A copy of the base lake as it is, modification times included to the nanosecond (`cp -a`), as the
 * same lake is on its next run; or with new times, as a plain copy has.
 */
async function copyOfBase(o: { newTimes?: boolean } = {}): Promise<string> {
  const lake = join(work, `lake-${++copies}`);
  if (o.newTimes) await cp(base, lake, { recursive: true });
  else execFileSync('cp', ['-a', base, lake]);
  return lake;
}
/** The bytes of every metric table's current files, by table (a recomputed table is a new version: other keys). */
async function metricFiles(lakeRoot: string): Promise<Record<string, string[]>> {
  const store = new FolderObjectStore(lakeRoot);
  const out: Record<string, string[]> = {};
  for (const t of metricTables) {
    out[t.name] = [];
    for (const key of await tableKeys(store, t))
      out[t.name].push(Buffer.from((await store.get(key))!).toString('base64'));
  }
  return out;
}
/** Rewrite the bundled source's trade rows of one year as they are, or as another month, with `change` applied. */
async function writeTradeYear(
  lakeRoot: string,
  year: number,
  month: number,
  change: (r: TradeFlow) => TradeFlow,
): Promise<void> {
  const store = new FolderObjectStore(lakeRoot);
  const table = tradeFlows;
  const rows = (await readTable<TradeFlow>(store, table)).filter(
    (r) => r.source === 'bundled' && r.year === year && r.month === 0,
  );
  expect(rows.length).toBeGreaterThan(0);
  await writePartitions(
    store,
    table,
    rows.map((r) => change({ ...r, month })),
    rowOrder(table),
  );
}

/** Write the bundled source's monthly rows of `year`-`month` again, as month `into`, their values times `factor`. */
async function rewriteMonth(
  lakeRoot: string,
  year: number,
  month: number,
  into: number,
  factor: number,
): Promise<void> {
  const store = new FolderObjectStore(lakeRoot);
  const rows = (await readTable<TradeFlow>(store, tradeFlows)).filter(
    (r) => r.source === 'bundled' && r.year === year && r.month === month,
  );
  expect(rows.length).toBeGreaterThan(0);
  await writePartitions(
    store,
    tradeFlows,
    rows.map((r) => ({ ...r, month: into, value_usd: r.value_usd === null ? null : r.value_usd * factor })),
    rowOrder(tradeFlows),
  );
}
/** monthly_anomalies as a reader of the lake finds it, in its key order. */
async function anomalyRows(lakeRoot: string, where = 'true'): Promise<Record<string, unknown>[]> {
  const reader = await DuckDBQueryEngine.create({ lakeRoot, store: new FolderObjectStore(lakeRoot) });
  try {
    return (
      await reader.query(
        `SELECT * FROM monthly_anomalies WHERE ${where} ORDER BY source, reporter_iso3, hs6, flow, partner_iso3, year, month`,
      )
    ).rows;
  } finally {
    await reader.close();
  }
}

describe('incremental metrics', () => {
  it('keeps every table when nothing changed, and the files stay byte-identical', async () => {
    const lake = await copyOfBase();
    const before = await metricFiles(lake);
    const result = await metrics(lake);
    expect(kept(result)).toEqual(metricTables.map((t) => t.name).sort());
    expect(await metricFiles(lake)).toEqual(before);
    expect(result.tables.supplier_shares.rows).toBeGreaterThan(0);
  });

  it('recomputes every table in a copy with new modification times (stamps are the cache key), to the same bytes', async () => {
    const lake = await copyOfBase({ newTimes: true });
    const result = await metrics(lake);
    expect(kept(result)).toEqual([]);
    expect(await metricFiles(lake)).toEqual(await metricFiles(base));
    expect(kept(await metrics(lake))).toEqual(metricTables.map((t) => t.name).sort());
  });

  it('reads no data file when nothing was replaced since the last run (the stamps recorded match)', async () => {
    const lake = await copyOfBase();
    const store = new FolderObjectStore(lake);
    const reads: string[] = [];
    const counting = Object.assign(Object.create(store) as FolderObjectStore, {
      get: (key: string) => {
        reads.push(key);
        return store.get(key);
      },
    });
    const engine = await DuckDBQueryEngine.create({ lakeRoot: lake, store });
    try {
      const result = await runMetrics({ engine, store: counting });
      expect(kept(result)).toEqual(metricTables.map((t) => t.name).sort());
    } finally {
      await engine.close();
    }
    expect(reads.filter((k) => k.endsWith('.parquet'))).toEqual([]);
  });

  it('keeps every annual table after a new monthly partition, recomputes the monthly ones, and that is what a full recomputation writes', async () => {
    const lake = await copyOfBase();
    // Monthly rows with values no annual total has: any metric that read them would change.
    await writeTradeYear(lake, 2023, 5, (r) => ({
      ...r,
      value_usd: r.value_usd === null ? null : r.value_usd * 7 + 1,
    }));
    const result = await metrics(lake);
    expect(kept(result)).toEqual(
      metricTables
        .map((t) => t.name)
        .filter((n) => !MONTHLY_METRICS.includes(n))
        .sort(),
    );
    for (const t of MONTHLY_METRICS) expect(result.tables[t].kept).toBeUndefined();
    expect(result.tables.monthly_anomalies.from).toBe('2023-05');
    const keptFiles = await metricFiles(lake);
    const forced = await metrics(lake, { force: true });
    expect(kept(forced)).toEqual([]);
    expect(await metricFiles(lake)).toEqual(keptFiles);
  });

  it('computes monthly_anomalies again from the earliest month whose files changed, keeps the months before as they were, and writes the bits a full run writes', async () => {
    const lake = await copyOfBase();
    const store = new FolderObjectStore(lake);
    // A revised month in the middle of the monthly series, and the last month withdrawn.
    await rewriteMonth(lake, 2025, 3, 3, 3);
    const withdrawn = (await store.list('curated/trade_flows/source=bundled/year=2026/')).filter((k) =>
      k.includes('/month=7/'),
    );
    expect(withdrawn).toHaveLength(1);
    await store.delete(withdrawn);

    const lines: string[] = [];
    const engine = await DuckDBQueryEngine.create({ lakeRoot: lake, store });
    try {
      const result = await runMetrics({ engine, store, onProgress: (l) => lines.push(l) });
      expect(result.tables.monthly_anomalies.from).toBe('2025-03');
      expect(lines).toContainEqual(
        expect.stringMatching(/^monthly_anomalies: [\d,]+ rows, computed from 2025-03 on \(the months before kept\)/),
      );
    } finally {
      await engine.close();
    }
    const before = 'year * 12 + month - 1 < 2025 * 12 + 2';
    expect((await anomalyRows(lake, before)).length).toBeGreaterThan(0);
    expect(await anomalyRows(lake, before)).toEqual(await anomalyRows(base, before));
    const after = `NOT (${before})`;
    expect(await anomalyRows(lake, after)).not.toEqual(await anomalyRows(base, after));
    expect(await anomalyRows(lake, 'year = 2026 AND month = 7')).toEqual([]);

    const incremental = await metricFiles(lake);
    const forced = await metrics(lake, { force: true });
    expect(forced.tables.monthly_anomalies.from).toBeUndefined();
    expect(await metricFiles(lake)).toEqual(incremental);
  });

  it("writes months after every month the table holds beside its files, kept as they are, up to a number of files; the rows are a full run's", async () => {
    const lake = await copyOfBase();
    const store = new FolderObjectStore(lake);
    const before = await tableKeys(store, monthlyAnomalies);
    expect(before).toHaveLength(1);
    // A month after the bundled series' last (2026-07): its rows again, with other values.
    await rewriteMonth(lake, 2026, 7, 8, 1.5);
    const lines: string[] = [];
    const engine = await DuckDBQueryEngine.create({ lakeRoot: lake, store });
    let appended: MetricsResult;
    try {
      appended = await runMetrics({ engine, store, onProgress: (l) => lines.push(l) });
    } finally {
      await engine.close();
    }
    expect(appended.tables.monthly_anomalies.from).toBe('2026-08');
    expect(lines).toContainEqual(
      expect.stringMatching(/^monthly_anomalies: [\d,]+ rows, computed from 2026-08 on, beside its 1 file\(s\) kept/),
    );
    const files = await tableKeys(store, monthlyAnomalies);
    expect(files).toHaveLength(2);
    // The kept file is the previous version's, byte for byte.
    expect(Buffer.compare(Buffer.from((await store.get(files[0]))!), Buffer.from((await store.get(before[0]))!))).toBe(
      0,
    );
    const rows = await anomalyRows(lake);
    expect(rows).toHaveLength(appended.tables.monthly_anomalies.rows);
    expect(rows.filter((r) => r.year === 2026 && r.month === 8).length).toBeGreaterThan(0);

    // A version at the most files a table is appended to is written whole at the next month.
    await rewriteMonth(lake, 2026, 7, 9, 2);
    const hashes = await FileHashes.load(store, ['monthly_anomalies']);
    const file = metricSqlFiles().find((f) => f.table === 'monthly_anomalies')!;
    const producer = producerOf('duckdb', file.table, file.sql);
    const inputs = await fingerprintInputs(store, producer, file.inputs, file.partitions, hashes, new Map());
    const plan = (maxFiles?: number) =>
      recomputePlan(store, file.table, 'trade_flows', inputs, producer, hashes, maxFiles);
    expect(await plan()).toMatchObject({ from: 2026 * 12 + 8, keepBefore: 0, carry: files });
    expect(await plan(2)).toEqual({ from: 2026 * 12 + 8, keepBefore: 2026 * 12 + 8, carry: [], carriedRows: 0 });

    // What a full run writes: the same rows, in one file.
    await rm(join(lake, 'curated/trade_flows/source=bundled/year=2026/month=9'), { recursive: true });
    const forced = await metrics(lake, { force: true });
    expect(await tableKeys(store, monthlyAnomalies)).toHaveLength(1);
    expect(forced.tables.monthly_anomalies.rows).toBe(appended.tables.monthly_anomalies.rows);
    expect(await anomalyRows(lake)).toEqual(rows);
  });

  it('computes every month of monthly_anomalies when its rows may not be what this SQL wrote (no state of the run that wrote them)', async () => {
    const lake = await copyOfBase();
    await writeTradeYear(lake, 2023, 5, (r) => r);
    await rm(join(lake, '_state/metrics/monthly_anomalies.json'));
    const result = await metrics(lake);
    expect(result.tables.monthly_anomalies.kept).toBeUndefined();
    expect(result.tables.monthly_anomalies.from).toBeUndefined();
  });

  it('recomputes the trade metrics after an annual partition changed, keeps the production ones, and matches a full run', async () => {
    const lake = await copyOfBase();
    await writeTradeYear(lake, 2023, 0, (r) =>
      r.partner_iso3 === 'CHN' && r.value_usd !== null ? { ...r, value_usd: r.value_usd + 1000 } : r,
    );
    const result = await metrics(lake);
    expect(kept(result)).toEqual([...PRODUCTION_METRICS, ...WORLD_METRICS].sort());
    for (const t of TRADE_METRICS) expect(result.tables[t].kept).toBeUndefined();
    const incremental = await metricFiles(lake);
    expect(incremental).not.toEqual(await metricFiles(base));
    await metrics(lake, { force: true });
    expect(await metricFiles(lake)).toEqual(incremental);
  });

  it('recomputes a table whose output was changed by hand, and a table whose SQL changed', async () => {
    const lake = await copyOfBase();
    const store = new FolderObjectStore(lake);
    const [concentrationFile] = await tableKeys(store, concentration);
    await store.delete([concentrationFile]);
    // The lake still opens; reading the broken table says what to do.
    const reader = await DuckDBQueryEngine.create({ lakeRoot: lake, store });
    await expect(reader.query('SELECT COUNT(*) AS n FROM concentration')).rejects.toThrow(
      /is missing: run chainwatch metrics/,
    );
    await reader.close();
    const root = join(work, `root-${copies}`);
    await cp('sql', join(root, 'sql'), { recursive: true });
    const path = join(root, 'sql/metrics/production_trend.sql');
    await writeFile(path, (await readFile(path, 'utf8')) + '\n-- a comment changes the SQL text\n');
    const result = await metrics(lake, { root });
    expect(result.tables.concentration.kept).toBeUndefined();
    expect(result.tables.production_trend.kept).toBeUndefined();
    expect(result.tables.supplier_shares.kept).toBe(true);
    const [recomputed] = await tableKeys(store, concentration);
    expect(recomputed).not.toBe(concentrationFile);
    expect(await store.exists(recomputed)).toBe(true);
  });

  it('recomputes every table on another engine, whose bytes may differ for the same SQL', async () => {
    const lake = await copyOfBase();
    const store = new FolderObjectStore(lake);
    const duckdb = await DuckDBQueryEngine.create({ lakeRoot: lake, store });
    // The same engine under another name: what the fingerprint sees of an engine is its name.
    const other = new Proxy(duckdb, {
      get: (target, p, receiver) => (p === 'name' ? 'athena' : Reflect.get(target, p, receiver)),
    });
    try {
      expect(kept(await runMetrics({ engine: other, store }))).toEqual([]);
    } finally {
      await duckdb.close();
    }
  });

  it('reads the recompute-from declaration, and refuses parameters without it, it without :from_month and :keep_before, a table not read by month, or metric inputs', () => {
    expect(
      metricSqlFiles()
        .filter((f) => f.recomputeFrom)
        .map((f) => [f.table, f.recomputeFrom]),
    ).toEqual([['monthly_anomalies', 'trade_flows']]);
    const header = '-- recompute-from: trade_flows month\n';
    const ok = `${header}SELECT 1 FROM trade_flows WHERE year * 12 + month - 1 >= :from_month AND :keep_before = 0`;
    expect(recomputeFromOf(ok, 'x.sql', ['trade_flows'], [])).toBe('trade_flows');
    expect(() => recomputeFromOf('SELECT :from_month FROM trade_flows', 'x.sql', ['trade_flows'], [])).toThrow(
      /takes parameters \(:from_month\)/,
    );
    expect(() => recomputeFromOf(`${header}SELECT 1 FROM trade_flows`, 'x.sql', ['trade_flows'], [])).toThrow(
      /does not take :from_month and :keep_before alone/,
    );
    expect(() => recomputeFromOf(`${header}SELECT :from_month FROM trade_flows`, 'x.sql', ['trade_flows'], [])).toThrow(
      /does not take :from_month and :keep_before alone/,
    );
    expect(() => recomputeFromOf(`${ok} AND hs6 = :hs6`, 'x.sql', ['trade_flows'], [])).toThrow(
      /does not take :from_month and :keep_before alone/,
    );
    const production = '-- recompute-from: production month\nSELECT :from_month FROM production';
    expect(() => recomputeFromOf(production, 'x.sql', ['production'], [])).toThrow(/partitioned by year and month/);
    expect(() => recomputeFromOf(ok, 'x.sql', ['concentration', 'trade_flows'], ['concentration'])).toThrow(
      /reads metric tables \(concentration\)/,
    );
  });

  it('reads partition declarations from the SQL and refuses one that names no partition column of a table it reads', () => {
    const files = metricSqlFiles();
    expect(
      files
        .filter((f) => f.partitions.length > 0)
        .map((f) => f.table)
        .sort(),
    ).toEqual(['concentration', 'screen_criteria', 'supplier_shares', 'trade_cell_sources']);
    for (const f of files.filter((f) => f.partitions.length > 0))
      expect(f.partitions).toEqual([{ table: 'trade_flows', column: 'month', value: '0' }]);
    expect(() =>
      partitionFiltersOf('-- partitions: trade_flows hs6=280530\nSELECT 1 FROM trade_flows', 'x.sql', ['trade_flows']),
    ).toThrow(UsageError);
    expect(() =>
      partitionFiltersOf('-- partitions: production month=0\nSELECT 1 FROM trade_flows', 'x.sql', ['trade_flows']),
    ).toThrow(/not a table it reads/);
  });
});
