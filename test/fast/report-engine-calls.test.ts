/**
 * The report asks the engine for just the rows its pages show: over a generated lake whose trade
 * table is far bigger than any page, every statement the build runs for a page is one of the report's
 * SQL files, none hands over a table, and each page's rows are a page's worth. The one exception is
 * the Data page's downloads, whose rows are the whole table: each table is streamed once, in the
 * engine's batches, straight into its files. The engine is the real DuckDB one, wrapped to record what
 * each call returns.
 */
import { scaled } from '../support/slowdown.ts';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../../bench/generate.ts';
import { DuckDBQueryEngine } from '../../src/adapters/duckdb-engine/duckdb-engine.ts';
import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';
import { runMetrics } from '../../src/core/metrics/metrics.ts';
import { buildSite } from '../../src/core/report/build-site.ts';
import { countryFamily } from '../../src/core/report/pages/country.ts';
import { productFamily } from '../../src/core/report/pages/product.ts';
import { commodityFamily } from '../../src/core/report/pages/production.ts';
import { screenFamily } from '../../src/core/report/pages/screen.ts';
import { sectorFamily } from '../../src/core/report/pages/sector.ts';
import type { FileTarget, QueryEngine, QueryResult, Row, SqlValue } from '../../src/core/seams/query-engine.ts';
import { reportSqlFiles } from '../../src/core/sql/report-sql.ts';
import { segmentSql } from '../../src/core/sql/sql-text.ts';
import { PROJECT_ROOT } from '../../src/core/project-root.ts';
import { allTables } from '../../data-schemas/index.ts';

/** One engine call as the report made it: which report file (or the SQL itself), how, and what came back. */
interface Call {
  file: string;
  kind: 'query' | 'stream' | 'materialize' | 'writeFile';
  /** Rows handed over in all. */
  rows: number;
  /** For a stream of a page family: the rows of its largest page. */
  largestPage: number;
  /** The most rows handed over at once. */
  largestBatch: number;
}

/** The page key each family's queries are ordered by, by report file name. */
const KEY_OF_FILE = new Map(
  [productFamily, countryFamily, commodityFamily, sectorFamily, screenFamily].flatMap((f) =>
    Object.values<string>(f.queries).map((name) => [name, f.key] as const),
  ),
);

/** The Data page's statements: a table's columns (`LIMIT 0`) and its rows, in full, for its downloads. */
const TABLE_EXPORT = /^SELECT (?:\*|[^;]+?) FROM (\w+)(?: LIMIT 0)?$/;
const exportOf = (sql: string): string | undefined => {
  const table = TABLE_EXPORT.exec(sql)?.[1];
  return table && allTables.some((t) => t.name === table) ? `table export: ${table}` : undefined;
};

const fileOf = (sql: string): string =>
  [...reportSqlFiles().values()].find((f) => f.sql === sql)?.name ??
  exportOf(sql) ??
  `(not a report file) ${sql.slice(0, 80)}`;
const isExport = (c: Call) => c.file.startsWith('table export: ');

/** The real engine, recording every call. */
class RecordingEngine implements QueryEngine {
  readonly name: QueryEngine['name'];
  readonly calls: Call[] = [];

  constructor(private readonly engine: QueryEngine) {
    this.name = engine.name;
  }

  async query(sql: string, params?: SqlValue[]): Promise<QueryResult> {
    const result = await this.engine.query(sql, params);
    const rows = result.rows.length;
    this.calls.push({ file: fileOf(sql), kind: 'query', rows, largestPage: rows, largestBatch: rows });
    return result;
  }

  async *stream(sql: string, params?: SqlValue[]): AsyncIterable<Row[]> {
    const file = fileOf(sql);
    const key = KEY_OF_FILE.get(file);
    const call: Call = { file, kind: 'stream', rows: 0, largestPage: 0, largestBatch: 0 };
    this.calls.push(call);
    const pages = new Map<string, number>();
    for await (const batch of this.engine.stream(sql, params)) {
      call.rows += batch.length;
      call.largestBatch = Math.max(call.largestBatch, batch.length);
      for (const row of batch) {
        const page = key === undefined ? '' : String(row[key]);
        const n = (pages.get(page) ?? 0) + 1;
        pages.set(page, n);
        call.largestPage = Math.max(call.largestPage, n);
      }
      yield batch;
    }
  }

  async writeFile(sql: string, params: SqlValue[], target: FileTarget): Promise<{ rows: number; bytes: number }> {
    this.calls.push({ file: fileOf(sql), kind: 'writeFile', rows: 0, largestPage: 0, largestBatch: 0 });
    return this.engine.writeFile!(sql, params, target);
  }

  async materialize(table: string, selectSql: string, params?: SqlValue[]): Promise<{ rows: number }> {
    this.calls.push({ file: table, kind: 'materialize', rows: 0, largestPage: 0, largestBatch: 0 });
    return this.engine.materialize(table, selectSql, params);
  }

  close(): Promise<void> {
    return this.engine.close();
  }
}

let work: string;
let calls: Call[];
let tradeRows: number;
let pages: number;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'chainwatch-report-engine-'));
  // Eight products, two years of US trade with most partners in every month: 60k monthly rows, while a
  // product page shows a few hundred (every supplier in every year).
  const data = await generate({ rows: 60_000, years: 2, reporters: 1, products: 8, dir: join(work, 'data') });
  const store = new FolderObjectStore(data.lake);
  const duckdb = await DuckDBQueryEngine.create({ lakeRoot: data.lake, store });
  try {
    await runMetrics({ engine: duckdb });
    tradeRows = Number((await duckdb.query('SELECT COUNT(*) AS n FROM trade_flows')).rows[0].n);
    const engine = new RecordingEngine(duckdb);
    const site = await buildSite({ engine, store, out: new FolderObjectStore(join(work, 'site')) });
    pages = site.pages;
    calls = engine.calls;
  } finally {
    await duckdb.close();
  }
}, scaled(240_000));

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('the report’s engine calls over a lake bigger than any page', () => {
  it('built a site from a trade table far bigger than a page', () => {
    expect(tradeRows).toBeGreaterThan(60_000);
    expect(pages).toBeGreaterThan(20);
    expect(calls.length).toBeGreaterThan(20);
  });

  it('runs only the report’s SQL files and the Data page’s table exports, and writes nothing', () => {
    expect(calls.filter((c) => c.kind === 'materialize' || !(reportSqlFiles().has(c.file) || isExport(c)))).toEqual([]);
    // Each table: its columns asked once, its two files (Parquet, CSV) written by the engine.
    const exports = calls.filter(isExport);
    expect(exports.map((c) => `${c.kind} ${c.file}`).sort()).toEqual(
      allTables
        .flatMap((t) => [`query table export: ${t.name}`, ...Array(2).fill(`writeFile table export: ${t.name}`)])
        .sort(),
    );
    // Every page family was read as a stream.
    expect(new Set(calls.filter((c) => c.kind === 'stream' && !isExport(c)).map((c) => c.file))).toEqual(
      new Set(KEY_OF_FILE.keys()),
    );
  });

  it('gets at most a page’s rows from any page’s call, and far fewer rows in all than the trade table holds', () => {
    // A page's worth: a product page lists every supplier in every year (a few hundred rows here).
    const page = tradeRows / 50;
    const pageCalls = calls.filter((c) => !isExport(c));
    expect(pageCalls.filter((c) => c.largestPage > page).map((c) => `${c.file}: ${c.largestPage} rows`)).toEqual([]);
    // Plain queries are the site's facts and claim checks: small whatever the data.
    expect(pageCalls.filter((c) => c.kind === 'query' && c.rows > page).map((c) => c.file)).toEqual([]);
    const total = pageCalls.reduce((n, c) => n + c.rows, 0);
    expect(total).toBeLessThan(tradeRows / 5);
  });

  it('has the engine write each table’s downloads: no row of a table passes through the report', () => {
    const exports = calls.filter(isExport);
    expect(exports.filter((c) => c.kind === 'stream')).toEqual([]);
    expect(exports.reduce((n, c) => n + c.rows, 0)).toBe(0);
  });
});

describe('the report’s SQL files', () => {
  const files = [...reportSqlFiles().values()].map((f) => ({
    name: f.name,
    code: segmentSql(readFileSync(join(PROJECT_ROOT, f.path), 'utf8'))
      .filter((s) => s.kind !== 'comment' && s.kind !== 'quoted')
      .map((s) => s.text)
      .join(''),
  }));

  it.each(files)('$name names its columns (no SELECT *)', ({ code }) => {
    expect(code).not.toMatch(/SELECT\s+(DISTINCT\s+)?(\w+\.)?\*/i);
  });

  it.each(files.filter((f) => /\bFROM\s+trade_flows\b/i.test(f.code)))(
    '$name reads trade_flows only through an aggregate, DISTINCT or EXISTS',
    ({ code }) => {
      expect(code).toMatch(/\bGROUP BY\b|\bDISTINCT\b|\bEXISTS\s*\(|\b(MAX|MIN|COUNT|SUM)\s*\(/i);
    },
  );
});
