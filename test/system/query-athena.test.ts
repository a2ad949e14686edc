/**
 * The Athena path of `chainwatch query` against moto_server's Athena API on loopback. moto runs no
 * SQL: each query takes the next canned result. What is checked is what chainwatch sends (SQL with
 * `?`, ExecutionParameters) and how it reads what comes back (pages, types, FAILED states).
 */
import {
  CreateWorkGroupCommand,
  GetQueryExecutionCommand,
  ListQueryExecutionsCommand,
  type AthenaClient,
  type GetQueryExecutionCommandOutput,
} from '@aws-sdk/client-athena';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, queryCommand, type CommandIO, type EngineFactory } from '../../src/cli/query.ts';
import { AthenaQueryEngine } from '../../src/adapters/athena-engine/athena-engine.ts';
import { QueryError, UsageError } from '../../src/core/errors.ts';
import { storeFromUri } from '../../src/cli/lake-store.ts';
import {
  athenaClientFor,
  MOTO_SDK_ENV,
  pageResultsLikeAthena,
  queueAthenaResults,
  claimMoto,
  type CannedAthenaResult,
  type Moto,
} from '../support/moto.ts';

const WORKGROUP = 'chainwatch-test-analysts';
const DATABASE = 'chainwatch_test';
const LAKE = 's3://chainwatch-lake/lake/';
const ATHENA_ARGS = ['--engine', 'athena', '--workgroup', WORKGROUP, '--database', DATABASE, '--lake', LAKE];

let moto: Moto;
let athena: AthenaClient;

beforeAll(async () => {
  moto = await claimMoto();
  athena = athenaClientFor(moto.endpoint);
  await athena.send(new CreateWorkGroupCommand({ Name: WORKGROUP, Configuration: {} }));
});

afterAll(async () => {
  athena?.destroy();
  await moto?.stop();
});

const capture = (): CommandIO & { lines: string[]; errors: string[] } => {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l), isTTY: false };
};

/** The default engines with Athena on a client of our choosing (paged or failing like real Athena). */
const withAthenaClient = (client: AthenaClient): Record<'duckdb' | 'athena', EngineFactory> => ({
  ...ENGINES,
  athena: async ({ lake, workgroup, database }) =>
    new AthenaQueryEngine({
      workgroup: workgroup!,
      database: database!,
      lakeBucket: 'chainwatch-lake',
      lakePrefix: 'lake/',
      store: await storeFromUri(lake),
      client,
      pollIntervalMs: 5,
      maxPollIntervalMs: 20,
      maxResults: 2,
    }),
});

/** A canned SELECT result as Athena returns it: the header row first. */
const selectResult = (columns: [string, string][], rows: (string | null)[][]): CannedAthenaResult => ({
  column_info: columns.map(([Name, Type]) => ({ Name, Label: Name, Type, Nullable: 'UNKNOWN' })),
  rows: [
    { Data: columns.map(([n]) => ({ VarCharValue: n })) },
    ...rows.map((r) => ({ Data: r.map((v) => (v === null ? {} : { VarCharValue: v })) })),
  ],
});

const executions = async () => {
  const ids = (await athena.send(new ListQueryExecutionsCommand({ WorkGroup: WORKGROUP }))).QueryExecutionIds ?? [];
  return Promise.all(
    ids.map(async (id) => (await athena.send(new GetQueryExecutionCommand({ QueryExecutionId: id }))).QueryExecution!),
  );
};

/** A client whose GetQueryExecution answers as Athena does for a failed query (moto never fails one). */
function failingClient(reason: string): AthenaClient {
  const client = athenaClientFor(moto.endpoint);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName === 'GetQueryExecutionCommand') {
        (result.output as GetQueryExecutionCommandOutput).QueryExecution!.Status = {
          State: 'FAILED',
          StateChangeReason: reason,
        };
      }
      return result;
    },
    { step: 'initialize', name: 'athenaFailedQuery' },
  );
  return client;
}

describe('chainwatch query --engine athena', () => {
  it('sends the saved query with ? placeholders and each value, quotes and "; drop table" included, as one literal', async () => {
    // The real factory, configured like an analyst's shell: AWS settings from the environment only.
    Object.assign(process.env, { AWS_ENDPOINT_URL: moto.endpoint, ...MOTO_SDK_ENV });
    await queueAthenaResults(moto.endpoint, [
      // The reference check of hs asks for the basket's codes first: an empty basket checks nothing, so the
      // hostile value reaches the query, where it must be bound as one literal.
      selectResult([['v', 'varchar']], []),
      selectResult(
        [
          ['rank', 'integer'],
          ['partner_iso3', 'varchar'],
          ['partner_name', 'varchar'],
          ['value_usd', 'double'],
          ['share', 'double'],
        ],
        [['1', 'TWN', 'Taiwan', '1.5E9', null]],
      ),
    ]);
    const io = capture();
    const hostile = "854231'; drop table basket; --";
    await queryCommand(
      [
        '--saved',
        'top_suppliers',
        ...ATHENA_ARGS,
        '--param',
        `hs=${hostile}`,
        '--param',
        'year=2023',
        '--format',
        'json',
      ],
      io,
    );
    expect(JSON.parse(io.lines.join('\n'))).toEqual([
      { rank: 1, partner_iso3: 'TWN', partner_name: 'Taiwan', value_usd: 1.5e9, share: null },
    ]);

    const all = await executions();
    expect(all.map((e) => e.Query)).toContainEqual(expect.stringMatching(/SELECT DISTINCT hs6 AS v FROM basket/));
    const execution = all.find((e) => e.Query?.includes('s.hs6 = ?'))!;
    expect(execution.WorkGroup).toBe(WORKGROUP);
    expect(execution.QueryExecutionContext?.Database).toBe(DATABASE);
    expect(execution.Query).toMatch(/s\.hs6 = \?\s+AND s\.year = \?\s+AND s\.rank <= \?/);
    expect(execution.Query).not.toContain('drop table');
    // Order of the ? marks in the file: reporter, hs, year, top_n (defaults fill reporter and top_n).
    expect(execution.ExecutionParameters).toEqual(["'USA'", "'854231''; drop table basket; --'", '2023', '10']);
  });

  it('reads every page of a long result', async () => {
    const client = athenaClientFor(moto.endpoint);
    const seen = pageResultsLikeAthena(client);
    const years = ['2018', '2019', '2020', '2021', '2022', '2023', '2024'];
    await queueAthenaResults(moto.endpoint, [
      selectResult(
        [
          ['year', 'integer'],
          ['china_share', 'double'],
        ],
        years.map((y, i) => [y, String(i / 10)]),
      ),
    ]);
    const io = capture();
    await queryCommand(['SELECT year, china_share FROM dependency', ...ATHENA_ARGS], io, withAthenaClient(client));
    expect(io.lines.join('\n').split('\n')).toEqual(['year,china_share', ...years.map((y, i) => `${y},${i / 10}`)]);
    // 8 rows on the wire (header + 7) in pages of 2.
    expect(seen.requestedTokens).toEqual([undefined, '2', '4', '6']);
    client.destroy();
  });

  it("turns Athena's TABLE_NOT_FOUND into the list of lake tables", async () => {
    const client = failingClient(
      "TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.chainwatch_test.suppliers' does not exist",
    );
    const error = await queryCommand(
      ['SELECT * FROM suppliers', ...ATHENA_ARGS],
      capture(),
      withAthenaClient(client),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryError);
    expect((error as QueryError).message).toBe('Unknown table "suppliers"');
    expect((error as QueryError).hint).toMatch(/supplier_shares.*trade_flows|trade_flows.*supplier_shares/);
    client.destroy();
  });

  it("fails a FAILED query with Athena's message and line", async () => {
    const client = failingClient("SYNTAX_ERROR: line 2:1: mismatched input 'FORM'. Expecting: ',', 'FROM'");
    const io = capture();
    const error = await queryCommand(['SELECT hs6\nFORM basket', ...ATHENA_ARGS], io, withAthenaClient(client)).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(QueryError);
    expect((error as QueryError).message).toMatch(/FAILED: SYNTAX_ERROR: line 2:1: mismatched input 'FORM'/);
    expect(io.lines).toEqual([]);
    client.destroy();
  });

  it('says which setting is missing', async () => {
    delete process.env.CHAINWATCH_WORKGROUP;
    await expect(
      queryCommand(['SELECT 1', '--engine', 'athena', '--database', DATABASE, '--lake', LAKE], capture()),
    ).rejects.toThrow(/needs --workgroup/);
    const notS3 = await queryCommand(
      ['SELECT 1', '--engine', 'athena', '--workgroup', WORKGROUP, '--database', DATABASE, '--lake', '.lake'],
      capture(),
    ).catch((e: unknown) => e);
    expect(notS3).toBeInstanceOf(UsageError);
    expect((notS3 as UsageError).hint).toMatch(/s3:\/\/<bucket>/);
  });
});
