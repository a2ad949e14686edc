/**
 * AthenaQueryEngine against moto_server's Athena and S3 APIs on loopback. moto does not run SQL:
 * results are canned through its control API, and a running query is simulated by holding the
 * execution in QUEUED. Everything the engine sends and reads goes over the real AWS protocol.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import {
  CreateWorkGroupCommand,
  GetQueryExecutionCommand,
  ListQueryExecutionsCommand,
  StopQueryExecutionCommand,
  type AthenaClient,
  type GetQueryExecutionCommandOutput,
} from '@aws-sdk/client-athena';
import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tableByName } from '../../data-schemas/index.ts';
import { columnsOf } from '../../data-schemas/table.ts';
import { QueryError, UsageError } from '../../src/core/errors.ts';
import { AthenaQueryEngine, type AthenaQueryEngineOptions } from '../../src/adapters/athena-engine/athena-engine.ts';
import { DUCKDB_TYPE } from '../../src/adapters/duckdb-engine/duckdb-views.ts';
import { sqlIdent } from '../../src/adapters/duckdb-engine/sql-literals.ts';
import { encodeParquet } from '../../src/core/lake/parquet.ts';
import { readTable } from '../../src/core/lake/read-table.ts';
import { S3ObjectStore } from '../../src/adapters/s3-store/s3-store.ts';
import { textOf } from '../../src/core/seams/object-store.ts';
import {
  athenaClientFor,
  holdAthenaQueries,
  pageResultsLikeAthena,
  queueAthenaResults,
  releaseAthenaQueries,
  s3ClientFor,
  claimMoto,
  type CannedAthenaResult,
  type Moto,
} from '../support/moto.ts';

const BUCKET = 'athena-lake';
const WORKGROUP = 'chainwatch-test';
const supplierShares = tableByName('supplier_shares')!;
const DATABASE = 'chainwatch';

let moto: Moto;
let s3: S3Client;
let athena: AthenaClient;
let store: S3ObjectStore;

beforeAll(async () => {
  moto = await claimMoto();
  s3 = s3ClientFor(moto.endpoint);
  athena = athenaClientFor(moto.endpoint);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await athena.send(new CreateWorkGroupCommand({ Name: WORKGROUP, Configuration: {} }));
  store = new S3ObjectStore({ bucket: BUCKET, prefix: 'lake', client: s3 });
});

afterAll(async () => {
  s3?.destroy();
  athena?.destroy();
  await moto?.stop();
});

afterEach(async () => {
  await releaseAthenaQueries(moto.endpoint);
});

const engineWith = (options: Partial<AthenaQueryEngineOptions> = {}) =>
  new AthenaQueryEngine({
    workgroup: WORKGROUP,
    database: DATABASE,
    lakeBucket: BUCKET,
    lakePrefix: 'lake/',
    store,
    client: athena,
    pollIntervalMs: 5,
    maxPollIntervalMs: 20,
    ...options,
  });

const cell = (v: string | null) => (v === null ? {} : { VarCharValue: v });
/** A canned result shaped like Athena's answer to a SELECT: the header row first. */
const selectResult = (columns: [string, string][], rows: (string | null)[][]): CannedAthenaResult => ({
  column_info: columns.map(([Name, Type]) => ({ Name, Label: Name, Type, Nullable: 'UNKNOWN' })),
  rows: [{ Data: columns.map(([name]) => cell(name)) }, ...rows.map((r) => ({ Data: r.map(cell) }))],
});

const executionIds = async (): Promise<string[]> =>
  (await athena.send(new ListQueryExecutionsCommand({ WorkGroup: WORKGROUP }))).QueryExecutionIds ?? [];

const describeQuery = async (id: string) =>
  (await athena.send(new GetQueryExecutionCommand({ QueryExecutionId: id }))).QueryExecution!;

/** The execution started after `before` was taken (the engine under test is the only caller). */
async function newExecution(before: readonly string[]): Promise<string> {
  for (;;) {
    const fresh = (await executionIds()).filter((id) => !before.includes(id));
    if (fresh.length > 0) return fresh[0];
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('AthenaQueryEngine.query', () => {
  it('returns rows typed by the result metadata, with the header row dropped and NULL as null', async () => {
    await queueAthenaResults(moto.endpoint, [
      selectResult(
        [
          ['reporter_iso3', 'varchar'],
          ['year', 'integer'],
          ['value_usd', 'double'],
          ['n', 'bigint'],
          ['is_ally', 'boolean'],
          ['hhi', 'decimal(10,4)'],
          ['note', 'varchar'],
        ],
        [
          ['USA', '2023', '1.25E9', '12', 'true', '0.2500', 'a note'],
          ['JPN', '2022', '-3.5', '-7', 'false', null, ''],
          ['DEU', null, null, null, null, '1', null],
        ],
      ),
    ]);
    const result = await engineWith().query('SELECT * FROM concentration');
    expect(result.columns).toEqual([
      { name: 'reporter_iso3', type: 'varchar' },
      { name: 'year', type: 'integer' },
      { name: 'value_usd', type: 'double' },
      { name: 'n', type: 'bigint' },
      { name: 'is_ally', type: 'boolean' },
      { name: 'hhi', type: 'decimal(10,4)' },
      { name: 'note', type: 'varchar' },
    ]);
    expect(result.rows).toEqual([
      { reporter_iso3: 'USA', year: 2023, value_usd: 1_250_000_000, n: 12, is_ally: true, hhi: 0.25, note: 'a note' },
      { reporter_iso3: 'JPN', year: 2022, value_usd: -3.5, n: -7, is_ally: false, hhi: null, note: '' },
      { reporter_iso3: 'DEU', year: null, value_usd: null, n: null, is_ally: null, hhi: 1, note: null },
    ]);
    expect((await describeQuery(result.queryId!)).Query).toBe('SELECT * FROM concentration');
  });

  it('reads every page of a result, dropping the header row only on the first page', async () => {
    const paged = athenaClientFor(moto.endpoint);
    const seen = pageResultsLikeAthena(paged);
    const years = Array.from({ length: 7 }, (_, i) => 2017 + i);
    // A data row equal to the labels on a later page must survive: only page one has a header.
    await queueAthenaResults(moto.endpoint, [
      selectResult([['year', 'varchar']], [['year'], ...years.map((y) => [String(y)])]),
    ]);
    const result = await engineWith({ client: paged, maxResults: 3 }).query('SELECT year FROM t');
    expect(result.rows.map((r) => r.year)).toEqual(['year', ...years.map(String)]);
    // 9 rows on the wire (header + 8) in pages of 3.
    expect(seen.requestedTokens).toEqual([undefined, '3', '6']);
    paged.destroy();
  });

  it('sends each parameter as one escaped SQL literal in ExecutionParameters', async () => {
    const hostile = "O'Brien'; drop table x; --";
    const result = await engineWith().query(
      'SELECT * FROM t WHERE a = ? AND b = ? AND c = ? AND d = ? AND e = ? AND f = ?',
      [hostile, 42, -1.5, true, null, 'Côte d’Ivoire'],
    );
    const execution = await describeQuery(result.queryId!);
    expect(execution.ExecutionParameters).toEqual([
      "'O''Brien''; drop table x; --'",
      '42',
      '-1.5',
      'TRUE',
      'NULL',
      "'Côte d’Ivoire'",
    ]);
    expect(execution.QueryExecutionContext?.Database).toBe(DATABASE);
    expect(execution.WorkGroup).toBe(WORKGROUP);
    expect(result.rows).toEqual([]);
  });

  it('refuses NaN and Infinity before starting a query', async () => {
    const before = await executionIds();
    await expect(engineWith().query('SELECT ?', [Number.NaN])).rejects.toBeInstanceOf(QueryError);
    await expect(engineWith().query('SELECT ?', [Number.POSITIVE_INFINITY])).rejects.toThrow(/Infinity/);
    expect(await executionIds()).toEqual(before);
  });

  it('turns a FAILED query into a QueryError carrying Athena’s reason', async () => {
    // moto can move an execution only QUEUED → RUNNING → SUCCEEDED (or CANCELLED by StopQueryExecution);
    // nothing in it makes one FAIL. For this one path the client rewrites moto's real
    // GetQueryExecution answer into Athena's answer for a failed query.
    const failing = athenaClientFor(moto.endpoint);
    failing.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (context.commandName !== 'GetQueryExecutionCommand') return result;
        const output = result.output as GetQueryExecutionCommandOutput;
        output.QueryExecution!.Status = {
          State: 'FAILED',
          StateChangeReason: "COLUMN_NOT_FOUND: line 1:8: Column 'hhi_pct' cannot be resolved",
          AthenaError: {
            ErrorCategory: 2,
            ErrorType: 1006,
            Retryable: false,
            ErrorMessage: "line 1:8: Column 'hhi_pct' cannot be resolved",
          },
        };
        return result;
      },
      { step: 'initialize', name: 'athenaFailedQuery' },
    );
    const error = await engineWith({ client: failing })
      .query('SELECT hhi_pct FROM concentration')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryError);
    expect((error as QueryError).message).toMatch(
      /FAILED: COLUMN_NOT_FOUND: line 1:8: Column 'hhi_pct' cannot be resolved/,
    );
    expect((error as QueryError).hint).toMatch(/database "chainwatch"/);
    failing.destroy();
  });

  it('turns a query cancelled while running into a QueryError', async () => {
    await holdAthenaQueries(moto.endpoint);
    const before = await executionIds();
    const running = engineWith().query('SELECT 1');
    running.catch(() => {});
    const id = await newExecution(before);
    await athena.send(new StopQueryExecutionCommand({ QueryExecutionId: id }));
    await expect(running).rejects.toThrow(new RegExp(`Athena query ${id} CANCELLED`));
  });

  it('stops the query and throws a QueryError when the deadline passes', async () => {
    await holdAthenaQueries(moto.endpoint);
    const before = await executionIds();
    const error = await engineWith({ timeoutMs: 50 })
      .query('SELECT 1')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryError);
    expect((error as QueryError).message).toMatch(/did not finish within 0.05 s and was stopped/);
    expect((error as QueryError).hint).toMatch(/Raise the Athena timeout/);
    const [id] = (await executionIds()).filter((x) => !before.includes(x));
    // moto marks an execution CANCELLED only through StopQueryExecution.
    expect((await describeQuery(id)).Status?.State).toBe('CANCELLED');
  });

  it('reports an unknown workgroup as a QueryError with a hint', async () => {
    const error = await engineWith({ workgroup: 'no-such-workgroup' })
      .query('SELECT 1')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryError);
    expect((error as QueryError).hint).toMatch(/workgroup "no-such-workgroup"/);
  });

  it('refuses a lake location that is not the store’s', () => {
    expect(() => engineWith({ lakePrefix: 'elsewhere' })).toThrow(UsageError);
  });
});

describe('AthenaQueryEngine.stream', () => {
  it('yields one batch per result page, typed, the header row dropped on the first page only', async () => {
    const paged = athenaClientFor(moto.endpoint);
    const seen = pageResultsLikeAthena(paged);
    await queueAthenaResults(moto.endpoint, [
      selectResult(
        [
          ['hs6', 'varchar'],
          ['year', 'integer'],
          ['share', 'double'],
        ],
        [
          ['280530', '2023', '0.5'],
          ['280530', '2024', null],
          ['854231', '2023', '0.25'],
          ['854231', '2024', '1'],
          ['hs6', '2025', '0'],
        ],
      ),
    ]);
    const batches = [];
    for await (const batch of engineWith({ client: paged, maxResults: 2 }).stream('SELECT hs6, year, share FROM t'))
      batches.push(batch);
    // 6 rows on the wire (header + 5) in pages of 2: the first page loses its header, a data row equal to it later stays.
    expect(batches).toEqual([
      [{ hs6: '280530', year: 2023, share: 0.5 }],
      [
        { hs6: '280530', year: 2024, share: null },
        { hs6: '854231', year: 2023, share: 0.25 },
      ],
      [
        { hs6: '854231', year: 2024, share: 1 },
        { hs6: 'hs6', year: 2025, share: 0 },
      ],
    ]);
    expect(seen.requestedTokens).toEqual([undefined, '2', '4']);
    paged.destroy();
  });

  it('reads a page only when the caller asks for it, and no more once it stops', async () => {
    const paged = athenaClientFor(moto.endpoint);
    const seen = pageResultsLikeAthena(paged);
    await queueAthenaResults(moto.endpoint, [
      selectResult(
        [['year', 'integer']],
        Array.from({ length: 9 }, (_, i) => [String(2010 + i)]),
      ),
    ]);
    for await (const batch of engineWith({ client: paged, maxResults: 3 }).stream('SELECT year FROM t')) {
      expect(batch).toEqual([{ year: 2010 }, { year: 2011 }]);
      break;
    }
    expect(seen.requestedTokens).toEqual([undefined]);
    paged.destroy();
  });

  it('reads a SELECT’s rows from the result file Athena wrote, one GetQueryResults call for the column types', async () => {
    const RESULTS = 'athena-results';
    await s3.send(new CreateBucketCommand({ Bucket: RESULTS }));
    const counted = athenaClientFor(moto.endpoint);
    const reads = pageResultsLikeAthena(counted);
    const objects: string[] = [];
    const results = s3ClientFor(moto.endpoint);
    results.middlewareStack.add(
      (next, context) => async (args) => {
        objects.push(`${context.commandName} ${(args.input as { Key?: string }).Key}`);
        return next(args);
      },
      { step: 'initialize', name: 'countObjectReads' },
    );
    // moto writes the canned rows to the result location as Athena does (quoted values, NULL unquoted);
    // it does not double a quote inside a value, so no value here holds one (test/fast/athena-result-file.test.ts reads that case).
    const rows: (string | null)[][] = [
      ['Korea, Republic of', '2023', '0.5'],
      ['', '2024', null],
      ['two\nlines', null, '0.25'],
      ...Array.from({ length: 2500 }, (_, i) => [`P${i}`, String(2000 + (i % 25)), String(i / 2500)]),
    ];
    const canned = selectResult(
      [
        ['partner', 'varchar'],
        ['year', 'integer'],
        ['share', 'double'],
      ],
      rows,
    );
    await queueAthenaResults(moto.endpoint, [canned, canned]);
    const engine = engineWith({ client: counted, s3: results, outputLocation: `s3://${RESULTS}/queries/` });
    const batches = [];
    for await (const batch of engine.stream('SELECT partner, year, share FROM t')) batches.push(batch);
    expect(batches.map((b) => b.length)).toEqual([1000, 1000, 503]);
    const expected = rows.map(([partner, year, share]) => ({
      partner,
      year: year === null ? null : Number(year),
      share: share === null ? null : Number(share),
    }));
    expect(batches.flat()).toEqual(expected);
    // One metadata call, no paging: the rows came from the object.
    expect(reads.requestedTokens).toEqual([undefined]);
    expect(objects).toEqual([expect.stringMatching(/^GetObjectCommand queries\/[0-9a-f-]+\.csv$/)]);
    // query() reads the same way and gives the same rows and columns.
    const answer = await engine.query('SELECT partner, year, share FROM t');
    expect(answer.rows).toEqual(expected);
    expect(answer.columns).toEqual([
      { name: 'partner', type: 'varchar' },
      { name: 'year', type: 'integer' },
      { name: 'share', type: 'double' },
    ]);
    await engine.close();
    counted.destroy();
    results.destroy();
  });

  it('binds parameters as a query does, and fails like one', async () => {
    const before = await executionIds();
    const rows = [];
    for await (const batch of engineWith().stream('SELECT * FROM t WHERE a = ?', ["it's"])) rows.push(...batch);
    expect(rows).toEqual([]);
    const [id] = (await executionIds()).filter((x) => !before.includes(x));
    expect((await describeQuery(id)).ExecutionParameters).toEqual(["'it''s'"]);
    const failing = engineWith({ workgroup: 'no-such-workgroup' }).stream('SELECT 1');
    await expect(failing[Symbol.asyncIterator]().next()).rejects.toBeInstanceOf(QueryError);
  });
});

describe('AthenaQueryEngine.materialize', () => {
  type ShareRow = Record<string, string | number | boolean>;
  const rows: ShareRow[] = [
    {
      reporter_iso3: 'USA',
      hs6: '854231',
      flow: 'M',
      year: 2023,
      partner_iso3: 'TWN',
      partner_name: 'Taiwan',
      value_usd: 500.5,
      share: 0.5,
      rank: 1,
      provisional: false,
    },
    {
      reporter_iso3: 'USA',
      hs6: '854231',
      flow: 'M',
      year: 2023,
      partner_iso3: 'KOR',
      partner_name: 'Korea, Rep.',
      value_usd: 300,
      share: 0.3,
      rank: 2,
      provisional: false,
    },
    {
      reporter_iso3: 'USA',
      hs6: '854231',
      flow: 'M',
      year: 2023,
      partner_iso3: 'CHN',
      partner_name: 'China',
      value_usd: 200,
      share: 0.2,
      rank: 3,
      provisional: false,
    },
    {
      reporter_iso3: 'DEU',
      hs6: '850760',
      flow: 'M',
      year: 2023,
      partner_iso3: 'CHN',
      partner_name: 'China',
      value_usd: 9,
      share: 0.9,
      rank: 1,
      provisional: false,
    },
    {
      reporter_iso3: 'DEU',
      hs6: '850760',
      flow: 'M',
      year: 2023,
      partner_iso3: 'POL',
      partner_name: 'Poland',
      value_usd: 1,
      share: 0.1,
      rank: 2,
      provisional: false,
    },
  ];
  const byKey = (a: Record<string, unknown>, b: Record<string, unknown>) =>
    `${a.reporter_iso3}${a.partner_iso3}`.localeCompare(`${b.reporter_iso3}${b.partner_iso3}`);

  /**
   * What Athena's UNLOAD leaves in S3: several Snappy Parquet files without an extension, written by
   * another Parquet writer (DuckDB here), with the column types the SQL produced.
   */
  async function athenaUnloadFiles(
    chunks: ShareRow[][],
    typeOf = (t: keyof typeof DUCKDB_TYPE) => DUCKDB_TYPE[t],
  ): Promise<Uint8Array[]> {
    const dir = await mkdtemp(join(tmpdir(), 'chainwatch-unload-'));
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    try {
      const columns = columnsOf(supplierShares);
      const files: Uint8Array[] = [];
      for (const [i, chunk] of chunks.entries()) {
        await connection.run(
          `CREATE TABLE chunk${i} (${columns.map((c) => `${sqlIdent(c.name)} ${typeOf(c.type)}`).join(', ')})`,
        );
        for (const row of chunk) {
          await connection.run(
            `INSERT INTO chunk${i} VALUES (${columns.map(() => '?').join(', ')})`,
            columns.map((c) => row[c.name]),
          );
        }
        const file = join(dir, `chunk${i}`);
        await connection.run(`COPY chunk${i} TO '${file}' (FORMAT parquet, COMPRESSION snappy)`);
        files.push(new Uint8Array(await readFile(file)));
      }
      return files;
    } finally {
      connection.closeSync();
      db.closeSync();
      await rm(dir, { recursive: true, force: true });
    }
  }

  /**
   * Run materialize while the UNLOAD is held "running", and write `files` where the UNLOAD points, as Athena
   * would. The engine's store refuses to read a version's files whole: only their footers may be read.
   */
  async function materializeWithUnloadOutput(files: Uint8Array[], carry: string[] = []) {
    await holdAthenaQueries(moto.endpoint);
    const before = await executionIds();
    const footersOnly = new Proxy(store, {
      get: (target, p, receiver) =>
        p === 'get'
          ? async (key: string) => {
              if (/\/v=\d+\//.test(key)) throw new Error(`read ${key} whole: table bytes must not pass through`);
              return target.get(key);
            }
          : Reflect.get(target, p, receiver),
    });
    const done = engineWith({ store: footersOnly }).materialize(
      'supplier_shares',
      'SELECT * FROM supplier_shares WHERE year = ?;\n',
      [2023],
      carry,
    );
    done.catch(() => {});
    const execution = await describeQuery(await newExecution(before));
    const target = /\) TO '(s3:\/\/[^']+)'/.exec(execution.Query!)![1];
    const [, bucket, prefix] = /^s3:\/\/([^/]+)\/(.*)$/.exec(target)!;
    // UNLOAD refuses a location that holds anything: nothing is there while it runs.
    const atUnload = await store.list(prefix.slice('lake/'.length));
    for (const [i, Body] of files.entries()) {
      await s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: `${prefix}20240101_000000_0000${i}_abcde_${i}f6c3a1e-uuid`, Body }),
      );
    }
    await releaseAthenaQueries(moto.endpoint);
    return { execution, target, done, atUnload };
  }

  const MANIFEST = 'metrics/supplier_shares/_symlink_format_manifest/manifest';
  /** The table as a reader found it: version 1 current, and what a killed run left in version 2. */
  const previousVersion = async () => {
    await store.delete(await store.list('metrics/supplier_shares/'));
    const old = encodeParquet(supplierShares, [{ ...rows[0], share: 0.99 }]);
    const keys = ['v=1/part-00000.parquet', 'v=1/part-00001.parquet', 'v=1/part-00002.parquet'].map(
      (k) => `metrics/supplier_shares/${k}`,
    );
    for (const key of keys) await store.put(key, old);
    await store.put(MANIFEST, keys.map((k) => `${store.location}${k}\n`).join(''));
    await store.put('metrics/supplier_shares/v=2/20231201_x', 'orphan of a killed run');
    return keys;
  };

  it('UNLOADs into a new version folder, checks its footers, and switches the manifest to its files', async () => {
    const old = await previousVersion();
    const { execution, target, done } = await materializeWithUnloadOutput(
      await athenaUnloadFiles([rows.slice(0, 3), rows.slice(3)]),
    );

    expect(target).toBe('s3://athena-lake/lake/metrics/supplier_shares/v=2/');
    expect(execution.Query).toBe(
      `UNLOAD (\nSELECT * FROM supplier_shares WHERE year = ?\n) TO '${target}' WITH (format = 'PARQUET', compression = 'SNAPPY')`,
    );
    expect(execution.ExecutionParameters).toEqual(['2023']);
    expect(execution.QueryExecutionContext?.Database).toBe(DATABASE);

    expect(await done).toEqual({ rows: rows.length });
    const unloaded = [
      'metrics/supplier_shares/v=2/20240101_000000_00000_abcde_0f6c3a1e-uuid',
      'metrics/supplier_shares/v=2/20240101_000000_00001_abcde_1f6c3a1e-uuid',
    ];
    // Athena's SymlinkTextInputFormat reads the manifest: one S3 URI per line.
    expect(textOf((await store.get(MANIFEST))!)).toBe(unloaded.map((k) => `s3://athena-lake/lake/${k}\n`).join(''));
    // The orphan is gone; the replaced version stays for readers that started before the switch.
    expect(await store.list('metrics/supplier_shares/')).toEqual([MANIFEST, ...old, ...unloaded]);
    expect((await readTable(store, supplierShares)).sort(byKey)).toEqual([...rows].sort(byKey));
  });

  it('carries files of the current version into the new one after the UNLOAD, beside its files (a table appended to)', async () => {
    const old = await previousVersion();
    const { done, atUnload } = await materializeWithUnloadOutput(await athenaUnloadFiles([rows]), old.slice(0, 2));
    expect(atUnload).toEqual([]);
    expect(await done).toEqual({ rows: rows.length });
    const version = [
      'metrics/supplier_shares/v=2/20240101_000000_00000_abcde_0f6c3a1e-uuid',
      'metrics/supplier_shares/v=2/carried-00000.parquet',
      'metrics/supplier_shares/v=2/carried-00001.parquet',
    ];
    expect(textOf((await store.get(MANIFEST))!)).toBe(version.map((k) => `s3://athena-lake/lake/${k}\n`).join(''));
    expect((await readTable(store, supplierShares)).map((r) => r.share).sort()).toEqual(
      [0.99, 0.99, ...rows.map((r) => r.share)].sort(),
    );
    await expect(
      engineWith().materialize(
        'supplier_shares',
        'SELECT * FROM supplier_shares',
        [],
        ['metrics/supplier_shares/v=9/x'],
      ),
    ).rejects.toThrow(/not a file of the current version/);
  });

  it('rejects UNLOAD output whose column types differ from the schema and keeps readers on the previous version', async () => {
    await previousVersion();
    const manifest = await store.get(MANIFEST);
    // As if the SQL forgot CAST(rank AS INTEGER): Trino would write rank as BIGINT.
    const wrong = await athenaUnloadFiles([rows], (t) => (t === 'int' ? 'BIGINT' : DUCKDB_TYPE[t]));
    const { done } = await materializeWithUnloadOutput(wrong);
    const error = await done.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryError);
    expect((error as QueryError).message).toMatch(/rank INT64/);
    expect((error as QueryError).hint).toMatch(/CAST/);
    expect(await store.get(MANIFEST)).toEqual(manifest);
    expect((await readTable(store, supplierShares)).map((r) => r.share)).toEqual([0.99, 0.99, 0.99]);
  });

  it('refuses a table that is not a declared metric table', async () => {
    await expect(engineWith().materialize('trade_flows', 'SELECT 1')).rejects.toThrow(/not a metric table/);
  });
});
