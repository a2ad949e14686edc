/**
 * Analyst SQL on the real bundled lake: the lake and site every test file shares (test/support/bundled-site.ts,
 * read-only), then every saved query, the `query` command, the interactive shell, the exported views and the
 * column reference run against it on real DuckDB.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { DuckDBInstance } from '@duckdb/node-api';
import { spawnSync } from 'node:child_process';
import { parquetMetadata, parquetReadObjects, parquetSchema } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allTables } from '../../data-schemas/index.ts';
import { runAnalystQuery } from '../../src/core/analyst/run-query.ts';
import { runSession } from '../../src/cli/shell-session.ts';
import { loadSavedQueries } from '../../src/core/sql/saved-query.ts';
import { COLUMN_REFERENCE_FILE, bundledColumnReference } from '../../src/cli/write-column-reference.ts';
import { queryCommand, type CommandIO } from '../../src/cli/query.ts';
import { exportViewsCommand, shellCommand } from '../../src/cli/shell.ts';
import { DuckDBQueryEngine } from '../../src/adapters/duckdb-engine/duckdb-engine.ts';
import { QueryError, UsageError } from '../../src/core/errors.ts';
import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';
import { bundledBuild } from '../support/bundled-site.ts';
import { scaled } from '../support/slowdown.ts';

let dir: string;
let lakeDir: string;
let siteDir: string;
let engine: DuckDBQueryEngine;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chainwatch-analyst-'));
  ({ lake: lakeDir, site: siteDir } = await bundledBuild());
  engine = await DuckDBQueryEngine.create({ lakeRoot: lakeDir, store: new FolderObjectStore(lakeDir) });
}, scaled(120_000));

afterAll(async () => {
  await engine?.close();
  await rm(dir, { recursive: true, force: true });
});

const capture = (isTTY = false) => {
  const out: string[] = [];
  const err: string[] = [];
  const io: CommandIO = { out: (l) => out.push(l), err: (l) => err.push(l), isTTY };
  return { out, err, io, text: () => out.join('\n') };
};

/** US imports of one product and year from the bundled CSV, supplier countries only — independent of the pipeline. */
async function bundledImports(hs6: string, year: number): Promise<Map<string, number>> {
  const csv = await readFile(new URL('../../data/bundled/us_imports_by_partner_hs6.csv', import.meta.url), 'utf8');
  const [header, ...lines] = csv.trim().split('\n');
  const names = header.split(',');
  const values = new Map<string, number>();
  for (const line of lines) {
    // partner_name may hold a quoted comma: read the columns before it from the start, the ones after it from the end.
    const f = line.split(',');
    const at = (name: string) => {
      const i = names.indexOf(name);
      return i < names.indexOf('partner_name') ? f[i] : f[f.length - (names.length - i)];
    };
    if (at('canonical_product_id') !== hs6 || Number(at('year')) !== year || at('is_aggregate_partner') === 't')
      continue;
    values.set(at('partner_iso3'), (values.get(at('partner_iso3')) ?? 0) + Number(at('import_value_usd')));
  }
  return values;
}

describe('saved queries on the bundled lake', () => {
  it('every saved query returns rows with its default parameters, and its SQL is portable', async () => {
    const queries = await loadSavedQueries();
    expect(queries.length).toBe(7);
    for (const q of queries) {
      const warnings: unknown[] = [];
      const result = await runAnalystQuery(engine, {
        sql: q.sql,
        params: q.params,
        onWarning: (w) => warnings.push(w),
      });
      expect(result.rows.length, `${q.name} returns rows`).toBeGreaterThan(0);
      expect(warnings, q.name).toEqual([]);
    }
  });

  it('top_suppliers matches the bundled CSV and the numbers on the product page', async () => {
    const page = await readFile(join(siteDir, 'products', '854231.html'), 'utf8');
    const year = Number(/Largest suppliers, (\d{4})/.exec(page)![1]);
    const table = /<table class="suppliers">([\s\S]*?)<\/table>/.exec(page)![1];
    const pageRows = [
      ...table.matchAll(
        /<tr><td>(\d+)<\/td><td>.*?<span class="code">([A-Z]{3})<\/span><\/td><td class="num"><data value="([^"]+)">.*?<td class="num"><data value="([^"]+)">/g,
      ),
    ].map(([, rank, iso3, value, share]) => ({
      rank: Number(rank),
      partner_iso3: iso3,
      value_usd: Number(value),
      share: Number(share),
    }));
    expect(pageRows.length).toBe(10);

    const out = capture();
    await queryCommand(
      [
        '--saved',
        'top_suppliers',
        '--lake',
        lakeDir,
        '--param',
        'hs=854231',
        '--param',
        `year=${year}`,
        '--format',
        'json',
      ],
      out.io,
    );
    const rows = JSON.parse(out.text()) as Record<string, unknown>[];
    expect(rows.map(({ rank, partner_iso3, value_usd, share }) => ({ rank, partner_iso3, value_usd, share }))).toEqual(
      pageRows,
    );

    const csv = await bundledImports('854231', year);
    const total = [...csv.values()].reduce((a, b) => a + b, 0);
    for (const r of rows) {
      expect(r.value_usd).toBeCloseTo(csv.get(r.partner_iso3 as string)!, 2);
      expect(r.share as number).toBeCloseTo(csv.get(r.partner_iso3 as string)! / total, 12);
    }
  });

  it('concentrated_products lists only products above the threshold, as the concentration table says', async () => {
    const q = (await loadSavedQueries()).find((s) => s.name === 'concentrated_products')!;
    const result = await runAnalystQuery(engine, {
      sql: q.sql,
      params: q.params,
      values: new Map([
        ['threshold', '0.4'],
        ['year', '2024'],
      ]),
    });
    const all = await engine.query(
      "SELECT hs6, hhi FROM concentration WHERE flow = 'M' AND reporter_iso3 = 'USA' AND year = 2024",
    );
    const expected = all.rows
      .filter((r) => (r.hhi as number) > 0.4)
      .map((r) => r.hs6)
      .sort();
    expect(result.rows.map((r) => r.hs6).sort()).toEqual(expected);
  });

  it('dependency_screen labels c1 products "exports unknown" on import-only data', async () => {
    const q = (await loadSavedQueries()).find((s) => s.name === 'dependency_screen')!;
    const result = await runAnalystQuery(engine, { sql: q.sql, params: q.params });
    expect(result.rows.every((r) => r.exports_usd === null && r.c3_ratio === null)).toBe(true);
    expect(new Set(result.rows.map((r) => r.screen))).toEqual(new Set(['c1 met, exports unknown', 'not dependent']));
    for (const r of result.rows) expect(r.screen === 'c1 met, exports unknown').toBe((r.hhi as number) > 0.4);
  });
});

describe('parameters are values, never SQL', () => {
  const hostile = ["854231' OR '1'='1", "854231'; drop table basket; --", "'; DROP VIEW supplier_shares; SELECT '"];

  it('a value with quotes or "; drop table" matches nothing and leaves every table in place', async () => {
    const q = (await loadSavedQueries()).find((s) => s.name === 'top_suppliers')!;
    // Not a basket code: refused by the reference check, with the value quoted as text.
    for (const value of hostile) {
      await expect(
        runAnalystQuery(engine, { sql: q.sql, params: q.params, values: new Map([['hs', value]]) }),
        value,
      ).rejects.toThrow(`--param hs=${value} is not an HS6 code of the basket`);
    }
    const result = await runAnalystQuery(engine, {
      sql: 'SELECT count(*) AS n FROM basket WHERE hs6 = :code OR label = :code',
      values: new Map([['code', hostile[1]]]),
    });
    expect(result.rows).toEqual([{ n: 0 }]);
    for (const table of allTables) await engine.query(`SELECT count(*) FROM ${table.name}`);
    expect((await engine.query('SELECT count(*) AS n FROM basket')).rows[0].n).toBeGreaterThan(0);
  });

  it('a string value equal to a real label is found, quotes and all', async () => {
    const result = await runAnalystQuery(engine, {
      sql: 'SELECT :v AS echoed, length(:v) AS n',
      values: new Map([['v', 'O\'Brien"; --']]),
    });
    expect(result.rows).toEqual([{ echoed: 'O\'Brien"; --', n: 12 }]);
  });
});

describe('chainwatch query on DuckDB', () => {
  it('prints an aligned table in a terminal and CSV otherwise', async () => {
    const tty = capture(true);
    await queryCommand(
      ['SELECT hs6, label FROM basket WHERE sector = :s ORDER BY hs6', '--lake', lakeDir, '--param', 's=rare_earths'],
      tty.io,
    );
    expect(tty.out[0]).toMatch(/^hs6 +label\n-+ +-+\n280530 +Rare-earth metals\n[\s\S]*\(4 rows\)$/);
    const pipe = capture(false);
    await queryCommand(
      ['SELECT hs6, label FROM basket WHERE sector = :s ORDER BY hs6', '--lake', lakeDir, '--param', 's=rare_earths'],
      pipe.io,
    );
    expect(pipe.text().split('\n').slice(0, 2)).toEqual(['hs6,label', '280530,Rare-earth metals']);
  });

  it('runs a --file with a header (typed parameters) and writes --out parquet', async () => {
    const file = join(dir, 'q.sql');
    await writeFile(
      file,
      "-- title: Shares\n-- @param hs string HS6\n-- @param year int Year\nSELECT partner_iso3, share FROM supplier_shares\nWHERE hs6 = :hs AND year = :year AND flow = 'M' ORDER BY rank\n",
    );
    const out = capture();
    const target = join(dir, 'shares.parquet');
    await queryCommand(
      [
        '--file',
        file,
        '--param',
        'hs=854231',
        '--param',
        'year=2024',
        '--lake',
        lakeDir,
        '--format',
        'parquet',
        '--out',
        target,
      ],
      out.io,
    );
    const bytes = await readFile(target);
    const rows = await parquetReadObjects({
      file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
    });
    expect(out.err).toEqual([`${rows.length} rows → ${target}`]);
    expect(rows.length).toBeGreaterThan(5);
    expect((rows as { share: number }[]).reduce((a, r) => a + r.share, 0)).toBeCloseTo(1, 12);
  });

  it('lists the saved queries with their parameters', async () => {
    const out = capture();
    await queryCommand(['--list'], out.io);
    expect(out.text()).toMatch(/^top_suppliers — Top suppliers for a product and year$/m);
    expect(out.text()).toMatch(/^ {2}--param hs string = 854231 {2}HS 6-digit product code/m);
  });

  it('names the lake tables when a table does not exist', async () => {
    const error = await queryCommand(['SELECT * FROM suppliers', '--lake', lakeDir], capture().io).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(QueryError);
    expect((error as QueryError).message).toBe('Unknown table "suppliers"');
    expect((error as QueryError).hint).toContain('supplier_shares');
    expect((error as QueryError).hint).toContain('trade_flows');
  });

  // Plain SQL text is not given to the Trino grammar (portability.ts), so a plain typo gets DuckDB's error alone.
  it("passes on DuckDB's syntax error with the line, without a portability warning for a plain typo", async () => {
    const out = capture();
    const error = await queryCommand(
      ["SELECT hs6\nFROM basket\nWHERE WHERE hs6 = '854231'", '--lake', lakeDir],
      out.io,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryError);
    expect((error as QueryError).message).toMatch(
      /Parser Error: syntax error at or near "WHERE"\s+LINE 3: WHERE WHERE/,
    );
    expect(out.err).toEqual([]);
    const unfinished = await queryCommand(['SELECT hs6\nFROM basket\nWHERE', '--lake', lakeDir], capture().io).catch(
      (e: unknown) => e,
    );
    expect((unfinished as QueryError).message).toMatch(
      /syntax error at end of input \(the statement ends unfinished on line 3\)/,
    );
  });

  it('warns about a construct that runs on DuckDB but not on Athena, and still answers', async () => {
    const out = capture();
    await queryCommand(["SELECT count(*) AS n FROM basket WHERE label ILIKE '%ic%'", '--lake', lakeDir], out.io);
    expect(out.err).toHaveLength(1);
    expect(out.err[0]).toBe(
      'warning: will not run on Athena — line 1: ILIKE is DuckDB-only; on Athena write lower(x) LIKE lower(pattern)',
    );
    expect(out.out[0]).toMatch(/^n\n\d+$/);
  });

  it('refuses bad usage before touching the lake', async () => {
    await expect(queryCommand(['--lake', lakeDir], capture().io)).rejects.toThrow(/Give the query once/);
    await expect(queryCommand(['SELECT 1', '--format', 'xml', '--lake', lakeDir], capture().io)).rejects.toThrow(
      /Unknown format "xml"/,
    );
    await expect(queryCommand(['SELECT 1', '--format', 'parquet', '--lake', lakeDir], capture().io)).rejects.toThrow(
      UsageError,
    );
    await expect(queryCommand(['SELECT 1', '--lake', join(dir, 'no-lake')], capture().io)).rejects.toThrow(
      /There is no chainwatch lake at/,
    );
    await expect(
      queryCommand(['--saved', 'top_suppliers', '--param', 'year=twenty', '--lake', lakeDir], capture().io),
    ).rejects.toThrow(/not an integer/);
    for (const topN of ['-1', '0', '1.5']) {
      await expect(
        queryCommand(['--saved', 'top_suppliers', '--param', `top_n=${topN}`, '--lake', lakeDir], capture().io),
      ).rejects.toThrow(`Parameter top_n="${topN}" is not an integer from 1 up`);
    }
  });
});

describe('chainwatch shell', () => {
  const script = (...lines: string[]) => Readable.from(lines.map((l) => `${l}\n`));

  it('runs multi-line statements ending with ";", .tables, keeps going after an error, stops at .quit', async () => {
    const out = capture();
    const failures = await runSession(engine, out.io, {
      input: script(
        'SELECT hs6, label',
        'FROM basket',
        "WHERE hs6 = '854231'; SELECT 1 AS one;",
        'SELECT * FROM nope;',
        '.tables',
        '.quit',
        "SELECT 'after quit';",
      ),
    });
    expect(failures).toBe(1);
    expect(out.out[0]).toMatch(/^hs6 +label\n-+ +-+\n854231 +Processors and controllers \(chips\)\n\(1 row\)$/);
    expect(out.out[1]).toBe('one\n---\n  1\n(1 row)');
    expect(out.err).toEqual([expect.stringMatching(/^Error: Unknown table "nope"\n {2}→ The lake tables are: /)]);
    for (const t of allTables) expect(out.out[2]).toMatch(new RegExp(`^${t.name} +VIEW$`, 'm'));
    expect(out.text()).not.toContain('after quit');
  });

  it('reports an unfinished statement at the end of the input; the command fails for a script with errors', async () => {
    const out = capture();
    const error = await shellCommand(['--lake', lakeDir], out.io, script('SELECT 1;', 'SELECT 2')).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(QueryError);
    expect(out.out).toEqual(['1\n-\n1\n(1 row)']);
    expect(out.err.at(-1)).toMatch(/no closing ";"/);
    expect(out.err[1]).toBe(
      `With the DuckDB CLI: chainwatch export-views --lake ${JSON.stringify(lakeDir)} > views.sql && duckdb -init views.sql`,
    );
  });
});

describe('chainwatch export-views', () => {
  it('gives any DuckDB client the same tables with the same rows, from any directory', async () => {
    const out = capture();
    await exportViewsCommand(['--lake', lakeDir], out.io);
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      await connection.run(out.text());
      for (const table of allTables) {
        const ours = await engine.query(`SELECT count(*) AS n FROM ${table.name}`);
        const theirs = (await connection.runAndReadAll(`SELECT count(*) AS n FROM ${table.name}`)).getRowObjectsJS()[0]
          .n;
        expect(Number(theirs), table.name).toBe(ours.rows[0].n);
      }
      expect((await connection.runAndReadAll('SELECT 7 / 2 AS q')).getRowObjectsJS()[0].q).toBe(3);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });
});

describe('docs/columns.md', () => {
  it('is what the generator makes from data-schemas/ and the bundled lake', async () => {
    const committed = await readFile(COLUMN_REFERENCE_FILE, 'utf8').catch(() => '');
    expect(committed, 'docs/columns.md is stale: run `npx tsx src/cli/write-column-reference.ts` and commit it').toBe(
      await bundledColumnReference(lakeDir),
    );
  });

  it('documents every column of every table with its type, partition key and description', async () => {
    const doc = await bundledColumnReference(lakeDir);
    for (const table of allTables) expect(doc).toContain(`## \`${table.name}\``);
    expect(doc).toMatch(/^\| `year` \| int \/ INTEGER \| yes \| {2}\| Reference year\. \| 2016 … 2026 \|$/m);
    expect(doc).toMatch(
      /^\| `flow` \| string \/ VARCHAR \| {2}\| {2}\| Trade flow: 'M' imports, 'X' exports\. \| M \|$/m,
    );
  });
});

describe('exports that are right', () => {
  const TYPED =
    "SELECT DATE '2024-01-01' AS d, TIMESTAMP '2024-01-01 10:00:00.5' AS ts, CAST(1.25 AS DECIMAL(10,2)) AS amount, '012345' AS hs6, 7 AS n";
  const parquetFile = (bytes: Buffer) =>
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;

  it('takes the format from --out’s extension, even in a terminal: a file is never the aligned table', async () => {
    for (const [ext, check] of [
      ['csv', (t: string) => expect(t).toBe('hs6,label\n280530,Rare-earth metals\n')],
      ['json', (t: string) => expect(JSON.parse(t)).toEqual([{ hs6: '280530', label: 'Rare-earth metals' }])],
      ['jsonl', (t: string) => expect(t).toBe('{"hs6":"280530","label":"Rare-earth metals"}\n')],
    ] as const) {
      const target = join(dir, `basket.${ext}`);
      const out = capture(true);
      await queryCommand(
        ["SELECT hs6, label FROM basket WHERE hs6 = '280530'", '--lake', lakeDir, '--out', target],
        out.io,
      );
      check(await readFile(target, 'utf8'));
      expect(out.err).toEqual([`1 rows → ${target}`]);
    }
    const jsonl = capture();
    await queryCommand(
      ['SELECT hs6 FROM basket ORDER BY hs6 LIMIT 2', '--lake', lakeDir, '--format', 'jsonl'],
      jsonl.io,
    );
    expect(
      jsonl
        .text()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([{ hs6: '280530' }, { hs6: '284610' }]);
  });

  it('refuses a table into a file, an unknown extension, a missing folder and a folder as --out, before running', async () => {
    const run = (...args: string[]) => queryCommand(['SELECT 1', '--lake', lakeDir, ...args], capture().io);
    await expect(run('--out', join(dir, 'x.csv'), '--format', 'table')).rejects.toThrow(/table is for the terminal/);
    await expect(run('--out', join(dir, 'x.txt'))).rejects.toThrow(/Cannot tell the format of .*x\.txt/);
    const missing = join(dir, 'no-such-folder', 'x.csv');
    const error = await run('--out', missing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toBe(
      `The folder of --out ${missing} does not exist (${join(dir, 'no-such-folder')})`,
    );
    expect((error as UsageError).hint).toMatch(/mkdir -p/);
    await expect(run('--out', dir)).rejects.toThrow(`--out ${dir} is a folder`);
  });

  it('keeps dates, timestamps and decimals as such in CSV, JSON and Parquet, and HS6 codes as text', async () => {
    const csv = capture();
    await queryCommand([TYPED, '--lake', lakeDir, '--format', 'csv'], csv.io);
    expect(csv.text()).toBe('d,ts,amount,hs6,n\n2024-01-01,2024-01-01 10:00:00.5,1.25,012345,7');
    const json = capture();
    await queryCommand([TYPED, '--lake', lakeDir, '--format', 'json'], json.io);
    expect(JSON.parse(json.text())).toEqual([
      { d: '2024-01-01', ts: '2024-01-01 10:00:00.5', amount: 1.25, hs6: '012345', n: 7 },
    ]);
    const target = join(dir, 'typed.parquet');
    await queryCommand([TYPED, '--lake', lakeDir, '--out', target], capture().io);
    const file = parquetFile(await readFile(target));
    const schema = parquetSchema(parquetMetadata(file));
    const byName = Object.fromEntries(schema.children.map((c) => [c.element.name, c.element]));
    expect(byName.d).toMatchObject({ type: 'INT32', converted_type: 'DATE' });
    expect(byName.ts).toMatchObject({ type: 'INT64', logical_type: { type: 'TIMESTAMP', unit: 'MICROS' } });
    expect(byName.amount).toMatchObject({ type: 'INT64', converted_type: 'DECIMAL', precision: 10, scale: 2 });
    expect(byName.hs6).toMatchObject({ type: 'BYTE_ARRAY', converted_type: 'UTF8' });
    const [row] = await parquetReadObjects({ file });
    expect(row.d).toEqual(new Date('2024-01-01T00:00:00Z'));
    expect(row.amount).toBe(1.25);
    expect(row.hs6).toBe('012345');
  });

  it('writes the SQL, its parameters, the release and its date into a Parquet file’s metadata', async () => {
    const target = join(dir, 'top.parquet');
    await queryCommand(
      ['--saved', 'top_suppliers', '--param', 'hs=850511', '--lake', lakeDir, '--out', target],
      capture().io,
    );
    const kv = Object.fromEntries(
      (parquetMetadata(parquetFile(await readFile(target))).key_value_metadata ?? []).map((e) => [e.key, e.value]),
    );
    const [manifestKey] = await new FolderObjectStore(lakeDir).list('_runs/');
    const manifest = JSON.parse(await readFile(join(lakeDir, manifestKey), 'utf8'));
    expect(kv['chainwatch.sql']).toContain('FROM supplier_shares s');
    expect(JSON.parse(kv['chainwatch.params'] ?? '')).toEqual({ reporter: 'USA', hs: '850511', year: 2024, top_n: 10 });
    expect(kv['chainwatch.release']).toBe(manifest.runId);
    expect(kv['chainwatch.as_of']).toBe(manifest.finishedAt.slice(0, 10));
  });

  it('--schema writes a sidecar with which pandas keeps HS6 codes text, leading zeros and all', async () => {
    const python = spawnSync('python3', ['-c', 'import pandas']);
    if (python.status !== 0) throw new Error('This test needs pandas for python3: pip install pandas');
    const target = join(dir, 'codes.csv');
    await queryCommand(
      [
        "SELECT '010121' AS hs6, 2024 AS year, DATE '2024-05-01' AS d, 1.5 AS v",
        '--lake',
        lakeDir,
        '--out',
        target,
        '--schema',
      ],
      capture().io,
    );
    const read = spawnSync(
      'python3',
      [
        '-c',
        'import json, sys, pandas as pd; f = sys.argv[1]; df = pd.read_csv(f, **json.load(open(f + ".schema.json"))["pandas"]); print(json.dumps({"hs6": df.hs6[0], "types": {c: str(t) for c, t in df.dtypes.items()}}))',
        target,
      ],
      { encoding: 'utf8' },
    );
    expect(read.stderr).toBe('');
    const seen = JSON.parse(read.stdout);
    expect(seen.hs6).toBe('010121');
    expect(seen.types).toMatchObject({ hs6: 'string', year: 'Int64', v: 'float64' });
    expect(seen.types.d).toMatch(/^datetime64/);
  });
});

describe('no silent empty result', () => {
  it('refuses an HS6 code or sector that is not in the basket, naming the close ones', async () => {
    const hs = await queryCommand(
      ['--saved', 'top_suppliers', '--param', 'hs=85076', '--lake', lakeDir],
      capture().io,
    ).catch((e: unknown) => e);
    expect(hs).toBeInstanceOf(UsageError);
    expect((hs as UsageError).message).toBe('--param hs=85076 is not an HS6 code of the basket (basket.hs6)');
    expect((hs as UsageError).hint).toMatch(/^Did you mean "850760"/);
    const sector = await queryCommand(
      ['SELECT hs6 FROM basket WHERE sector = :sector', '--param', 'sector=evbatteries', '--lake', lakeDir],
      capture().io,
    ).catch((e: unknown) => e);
    expect((sector as UsageError).hint).toMatch(/^Did you mean "ev_batteries"\?/);
  });

  it('says on stderr why a result is empty when the product has no data, and coverage shows the gap', async () => {
    const out = capture();
    await queryCommand(['--saved', 'top_suppliers', '--param', 'hs=850760', '--lake', lakeDir], out.io);
    expect(out.out).toEqual(['rank,partner_iso3,partner_name,value_usd,share']);
    expect(out.err).toEqual([
      expect.stringMatching(/^note: no rows — HS 850760 is in the basket but the lake has no trade rows/),
    ]);
    const year = capture();
    await queryCommand(['--saved', 'top_suppliers', '--param', 'year=1990', '--lake', lakeDir], year.io);
    expect(year.err).toEqual([
      expect.stringMatching(/^note: no rows — The lake's trade rows cover \d{4}–\d{4}; year 1990 has none\.$/),
    ]);
    const coverage = await engine.query(
      "SELECT product, year, source, row_count, provisional FROM coverage WHERE table_name = 'trade_flows' AND product IN ('850760', '854231') ORDER BY product, year",
    );
    expect(coverage.rows[0]).toEqual({ product: '850760', year: null, source: null, row_count: 0, provisional: false });
    const chips = coverage.rows.filter((r) => r.product === '854231');
    const counted = await engine.query(
      "SELECT year, COUNT(*) AS n FROM trade_flows WHERE hs6 = '854231' GROUP BY year ORDER BY year",
    );
    expect(chips.map((r) => [r.year, r.row_count])).toEqual(counted.rows.map((r) => [r.year, r.n]));
    // The latest complete year (12 months or an annual row) and what follows it are provisional; earlier years are not.
    const provisional = chips.filter((r) => r.provisional).map((r) => r.year);
    expect(provisional.length).toBeGreaterThan(0);
    expect(provisional).toEqual(chips.slice(chips.length - provisional.length).map((r) => r.year));
    const views = capture();
    await exportViewsCommand(['--lake', lakeDir], views.io);
    expect(views.text()).toMatch(/CREATE OR REPLACE VIEW "coverage" AS\b[^;]*metrics\/coverage\/v=/);
  });
});

describe('errors that name the fix', () => {
  const failure = async (sql: string): Promise<QueryError> => {
    const error = await queryCommand([sql, '--lake', lakeDir], capture().io).catch((e: unknown) => e);
    expect(error, sql).toBeInstanceOf(QueryError);
    return error as QueryError;
  };

  it('suggests the table, the column or the function that was meant', async () => {
    const table = await failure('SELECT * FROM trade_flow');
    expect(table.message).toBe('Unknown table "trade_flow"');
    expect(table.hint).toMatch(/^Did you mean "trade_flows"\?/);
    const column = await failure('SELECT partner_iso FROM supplier_shares');
    expect(column.message).toBe('Unknown column "partner_iso"');
    expect(column.hint).toMatch(/^Did you mean "partner_iso3"\?/);
    const athenaOnly = await failure('SELECT date_format(year) FROM basket');
    expect(athenaOnly.message).toBe('Unknown function date_format()');
    expect(athenaOnly.hint).toMatch(/DuckDB: strftime/);
    // DuckDB's own suggestion is passed on, not a list of tables.
    const typo = await failure('SELECT lenght(label) FROM basket');
    expect(typo.message).toBe('Unknown function lenght()');
    expect(typo.hint).toMatch(/^Did you mean length\(\)\?/);
    const syntax = await failure('SELECT 1 months');
    expect(syntax.hint).not.toMatch(/Parquet/);
  });
});

describe('one USGS edition per figure, and provisional years, on the bundled lake', () => {
  // China's rare-earth mine output as USGS gives it beside China's share of US imports of rare-earth
  // compounds, by year. (Secondary restatements of other publishers are sources of their own and stay.)
  const join = (production: string) =>
    engine.query(
      `SELECT d.year, p.value AS mine_t, d.china_share FROM ${production} p
       JOIN dependency d ON d.year = p.year AND d.hs6 = '284690' AND d.reporter_iso3 = 'USA' AND d.flow = 'M'
       WHERE p.commodity = 'rare_earths' AND p.measure = 'mine_production' AND p.geo_iso3 = 'CHN'
         AND p.source_id LIKE 'USGS%'
       ORDER BY d.year`,
    );

  it('a production–trade join on year finds each year once in production_latest (every edition stays in production)', async () => {
    const all = (await join('production')).rows.map((r) => r.year);
    // The test could fail: in production, 2024 comes from both MCS 2025 and MCS 2026.
    expect(all.filter((y) => y === 2024)).toHaveLength(2);
    const latest = (await join('production_latest')).rows;
    expect(latest.length).toBeGreaterThan(0);
    expect(new Set(latest.map((r) => r.year)).size).toBe(latest.length);
    const editions = await engine.query(
      "SELECT edition, value FROM production_latest WHERE commodity = 'rare_earths' AND measure = 'mine_production' AND geo_iso3 = 'CHN' AND year = 2024",
    );
    const mcs2026 = await engine.query(
      "SELECT value FROM production WHERE source_id = 'USGS_MCS2026_REE' AND measure = 'mine_production' AND geo_iso3 = 'CHN' AND year = 2024",
    );
    expect(editions.rows).toEqual([{ edition: 'MCS2026', value: mcs2026.rows[0].value }]);
  });

  it('drops only older USGS editions: every other row of production is in production_latest', async () => {
    const missing = await engine.query(
      `SELECT p.source_id, COUNT(*) AS n FROM production p
       WHERE NOT EXISTS (SELECT 1 FROM production_latest l WHERE l.source_id = p.source_id AND l.measure = p.measure
         AND l.geo_iso3 = p.geo_iso3 AND l.period = p.period AND l.stage = p.stage AND l.unit = p.unit)
       GROUP BY p.source_id ORDER BY p.source_id`,
    );
    expect(missing.rows.length).toBeGreaterThan(0);
    for (const r of missing.rows) expect(r.source_id).toMatch(/^USGS_(MCS|MYB)\d{4}_/);
    // A dropped row's figure is still there, from a later edition.
    const orphans = await engine.query(
      `SELECT COUNT(*) AS n FROM production p
       WHERE p.source_id LIKE 'USGS%' AND NOT EXISTS (SELECT 1 FROM production_latest l WHERE l.sector = p.sector
         AND l.commodity = p.commodity AND l.stage = p.stage AND l.measure = p.measure AND l.unit = p.unit
         AND l.geo_iso3 = p.geo_iso3 AND l.year = p.year AND l.edition >= substr(p.source_id, 6, 7))`,
    );
    expect(orphans.rows).toEqual([{ n: 0 }]);
  });

  it('trade metrics flag the latest complete year as provisional, as the coverage table does', async () => {
    for (const table of ['supplier_shares', 'concentration', 'dependency', 'trade_trend', 'trade_cell_sources']) {
      const years = await engine.query(
        `SELECT year, MIN(CASE WHEN provisional THEN 1 ELSE 0 END) AS lo, MAX(CASE WHEN provisional THEN 1 ELSE 0 END) AS hi FROM ${table} GROUP BY year ORDER BY year`,
      );
      const latest = years.rows.at(-1)!.year;
      expect(
        years.rows.map((r) => [r.year, r.lo, r.hi]),
        table,
      ).toEqual(years.rows.map((r) => [r.year, Number(r.year === latest), Number(r.year === latest)]));
    }
    const coverage = await engine.query(
      "SELECT DISTINCT year FROM coverage WHERE table_name = 'trade_flows' AND source = 'bundled' AND provisional AND year IS NOT NULL ORDER BY year",
    );
    const latestAnnual = await engine.query('SELECT MAX(year) AS y FROM concentration');
    expect(coverage.rows[0].year).toBe(latestAnnual.rows[0].y);
  });
});
