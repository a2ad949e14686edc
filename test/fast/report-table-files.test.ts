/**
 * The Data page's downloads, written by the engine itself (DuckDB's COPY, no row through JavaScript)
 * or streamed through the report batch by batch (an engine that cannot write files: Athena), hold the
 * same rows and the same metadata; and a text cell a spreadsheet would run is defused in the engine's
 * CSV exactly as `csvField` defuses it in the streamed one.
 */
import { scaled } from '../support/slowdown.ts';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBQueryEngine } from '../../src/adapters/duckdb-engine/duckdb-engine.ts';
import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';
import { csvLine } from '../../src/core/report/csv.ts';
import { publishTables, type PublishedTable } from '../../src/core/report/table-files.ts';
import { dataPage } from '../../src/core/report/pages/data.ts';
import type { QueryEngine } from '../../src/core/seams/query-engine.ts';
import { csvTextSql } from '../../src/core/spreadsheet.ts';
import { allTables } from '../../data-schemas/index.ts';
import { parseCsv } from '../fixtures/report/read-csv.ts';
import { bundledBuild } from '../support/bundled-site.ts';

let work: string;
let engine: DuckDBQueryEngine;
let byEngine: PublishedTable[];
let streamed: PublishedTable[];
const METADATA = { 'chainwatch.release': '2026-03' };

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'chainwatch-table-files-'));
  const { lake } = await bundledBuild();
  engine = await DuckDBQueryEngine.create({ lakeRoot: lake, store: new FolderObjectStore(lake) });
  byEngine = await publishTables(engine, new FolderObjectStore(join(work, 'engine')), 'r/', ['latest/'], METADATA);
  const { streaming } = streamingOf(engine);
  streamed = await publishTables(streaming, new FolderObjectStore(join(work, 'streamed')), 'r/', [], METADATA);
}, scaled(120_000));

/** The same engine without writeFile: the report streams the rows and writes the files itself (as with Athena). */
function streamingOf(engine: DuckDBQueryEngine): { streaming: QueryEngine } {
  return {
    streaming: {
      name: engine.name,
      query: (sql, params) => engine.query(sql, params),
      stream: (sql, params) => engine.stream(sql, params),
      materialize: (table, sql, params) => engine.materialize(table, sql, params),
      close: async () => {},
    },
  };
}

afterAll(async () => {
  await engine?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

/** A value as text whatever its writer: numbers by value (DuckDB writes 5.0 where JavaScript writes 5). */
const canonical = (v: unknown): string =>
  v === null || v === undefined || v === ''
    ? ''
    : typeof v === 'bigint' || (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)))
      ? String(Number(v))
      : String(v);
/** Rows as sorted lines: the engine writes in the lake's order, the stream sorts. */
const sortedLines = (rows: Record<string, unknown>[]) =>
  rows
    .map((r) =>
      Object.entries(r)
        .map(([k, v]) => `${k}=${canonical(v)}`)
        .join('|'),
    )
    .sort();

const parquetOf = async (path: string) => {
  const bytes = await readFile(path);
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
};

describe('the Data page’s downloads', () => {
  it('list every table with the same rows, columns and sizes on both paths', () => {
    expect(byEngine.map((t) => t.name)).toEqual(allTables.map((t) => t.name));
    expect(byEngine.map(({ bytes: _, ...t }) => t)).toEqual(streamed.map(({ bytes: _, ...t }) => t));
    expect(byEngine.reduce((n, t) => n + t.rows, 0)).toBeGreaterThan(1000);
    for (const t of byEngine) expect(t.bytes.parquet > 0 && (t.bytes.csv ?? 0) > 0, t.name).toBe(true);
  });

  it('offer a table longer than a spreadsheet opens as Parquet only, on both paths, and the Data page says how to get a CSV', async () => {
    // The bundled lake's tables hold up to a few thousand rows: a limit of 100 stands for the spreadsheet's.
    const limit = 100;
    const { streaming } = streamingOf(engine);
    for (const [name, by] of [
      ['engine-capped', engine],
      ['streamed-capped', streaming],
    ] as const) {
      const out = join(work, name);
      const published = await publishTables(by, new FolderObjectStore(out), 'r/', ['latest/'], METADATA, limit);
      const long = published.filter((t) => t.rows > limit);
      expect(long.length, name).toBeGreaterThan(0);
      expect(published.filter((t) => t.rows <= limit).length, name).toBeGreaterThan(0);
      for (const t of published) {
        const files = await readdir(join(out, 'latest', 'tables'));
        expect(files.includes(`${t.name}.parquet`), `${name} ${t.name}`).toBe(true);
        expect(files.includes(`${t.name}.csv`), `${name} ${t.name}`).toBe(t.rows <= limit);
        expect(t.bytes.csv === null, `${name} ${t.name}`).toBe(t.rows > limit);
      }
      const page = dataPage(published, [], 1).body({
        figure: () => {
          throw new Error('the Data page draws no chart');
        },
        href: (path) => path,
        cite: (id) => id,
      }).value;
      const first = long[0].name;
      expect(page).toContain(
        `no CSV: more rows than a spreadsheet opens (1,048,576); read the Parquet file, or write one with <code>chainwatch query "SELECT * FROM ${first}" --out ${first}.csv</code>`,
      );
    }
  });

  it.each(allTables.map((t) => t.name))('%s: the same rows in its CSV and Parquet files', async (name) => {
    const [engineDir, streamDir] = ['engine', 'streamed'].map((d) => join(work, d, 'r', 'tables'));
    const csv = async (dir: string) => parseCsv(await readFile(join(dir, `${name}.csv`), 'utf8'));
    const [a, b] = [await csv(engineDir), await csv(streamDir)];
    expect(a.length).toBe(byEngine.find((t) => t.name === name)!.rows);
    expect(sortedLines(a)).toEqual(sortedLines(b));
    const [pa, pb] = [
      await parquetOf(join(engineDir, `${name}.parquet`)),
      await parquetOf(join(streamDir, `${name}.parquet`)),
    ];
    expect(sortedLines(await parquetReadObjects({ file: pa }))).toEqual(
      sortedLines(await parquetReadObjects({ file: pb })),
    );
    const kv = (file: ArrayBuffer) =>
      Object.fromEntries((parquetMetadata(file).key_value_metadata ?? []).map((e) => [e.key, e.value]));
    expect(kv(pa)).toMatchObject({ ...METADATA, 'chainwatch.table': name });
    // The other copy of the release is the same file.
    expect(await readFile(join(work, 'engine', 'latest', 'tables', `${name}.csv`), 'utf8')).toEqual(
      await readFile(join(engineDir, `${name}.csv`), 'utf8'),
    );
  });

  it('defuses the text cells a spreadsheet would run, in the engine’s CSV as in the streamed one', async () => {
    const cells = [
      '=HYPERLINK("http://evil", "Japan")',
      '+1+1',
      '-2+3',
      '@SUM(A1)',
      ' =1',
      '\u00a0=1',
      '\t=1',
      '\tplain',
      '\rx',
      ' \tx',
      '-5',
      ' +1.5e3 ',
      '.5',
      '-1.',
      '-',
      '-x',
      'a,b',
      'say "hi"',
      'two\nlines',
      'plain',
      '',
      null,
    ];
    const values = cells.map((c, i) => `(${i}, ${c === null ? 'NULL' : `'${c.replace(/'/g, "''")}'`})`).join(', ');
    const out = new FolderObjectStore(join(work, 'defuse'));
    await engine.writeFile(
      `SELECT ${csvTextSql('cell')} AS cell FROM (VALUES ${values}) AS t(i, cell) ORDER BY i`,
      [],
      {
        out,
        key: 'cells.csv',
        format: 'csv',
      },
    );
    // One difference, on purpose: DuckDB quotes an empty text ("") to tell it from NULL (an empty field).
    const expected = csvLine(['cell']) + cells.map((c) => (c === '' ? '""\r\n' : csvLine([c]))).join('');
    expect(await readFile(join(work, 'defuse', 'cells.csv'), 'utf8')).toBe(expected);
  });
});
