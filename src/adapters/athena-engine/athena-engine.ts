import { randomUUID } from 'node:crypto';
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type ColumnInfo,
  type QueryExecution,
} from '@aws-sdk/client-athena';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { tableByName } from '../../../data-schemas/index.ts';
import { QueryError, UsageError } from '../../core/errors.ts';
import { publishMetricVersion } from '../../core/lake/metric-versions.ts';
import type { ObjectStore } from '../../core/seams/object-store.ts';
import { awsErrorHint } from '../aws-error-hint.ts';
import { renderLiteral } from './athena-literals.ts';
import { resultFileRows } from './athena-result-file.ts';
import { isHeaderRow, rowObjects } from './athena-results.ts';
import { retryOnThrottle, type RetryOptions } from './athena-retry.ts';
import { checkUnloadedFile, unloadStatement } from './athena-unload.ts';
import type { QueryEngine, QueryResult, Row, SqlValue } from '../../core/seams/query-engine.ts';

export interface AthenaQueryEngineOptions {
  workgroup: string;
  /** Glue database the metric SQL's unqualified table names resolve in. */
  database: string;
  /** The lake's bucket and key prefix, the same place `store` reads and writes. */
  lakeBucket: string;
  lakePrefix?: string;
  /** The lake store (an S3ObjectStore on lakeBucket/lakePrefix): materialize lists and checks the UNLOAD output and switches the table through it. */
  store: ObjectStore;
  client?: AthenaClient;
  /** Reads a query's result file from the workgroup's result location; default a client of its own. */
  s3?: S3Client;
  /** First wait between GetQueryExecution polls; it doubles up to maxPollIntervalMs. Default 250 ms. */
  pollIntervalMs?: number;
  /** Longest wait between polls. Default 5 s. */
  maxPollIntervalMs?: number;
  /** Give up (and stop the query) after this long. Default 5 minutes. */
  timeoutMs?: number;
  /** Query result location, when the workgroup does not enforce one. */
  outputLocation?: string;
  /** Rows per GetQueryResults page (Athena allows at most 1000), and per batch read from a result file. */
  maxResults?: number;
  /** Backoff for StartQueryExecution when Athena throttles it. */
  startRetry?: RetryOptions;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The AWS edge of the query-engine seam: each statement is one Athena query execution in a
 * workgroup, with `?` values sent as `ExecutionParameters` (rendered as SQL literals, never
 * spliced into the text). The metric SQL files run unchanged: they are written in the subset
 * Trino and DuckDB share.
 */
export class AthenaQueryEngine implements QueryEngine {
  readonly name = 'athena' as const;
  /** Bytes Athena scanned for every query this engine ran (what the pipeline workgroup bills). */
  bytesScanned = 0;
  private readonly client: AthenaClient;
  private readonly ownsClient: boolean;
  private s3?: S3Client;
  private readonly lakeUri: string;
  private readonly o: Required<
    Pick<AthenaQueryEngineOptions, 'pollIntervalMs' | 'maxPollIntervalMs' | 'timeoutMs' | 'maxResults'>
  > &
    AthenaQueryEngineOptions;

  constructor(options: AthenaQueryEngineOptions) {
    this.o = {
      ...options,
      pollIntervalMs: options.pollIntervalMs ?? 250,
      maxPollIntervalMs: options.maxPollIntervalMs ?? 5_000,
      timeoutMs: options.timeoutMs ?? 300_000,
      maxResults: options.maxResults ?? 1000,
    };
    this.ownsClient = options.client === undefined;
    this.client = options.client ?? new AthenaClient({});
    this.s3 = options.s3;
    const prefix = (options.lakePrefix ?? '').replace(/^\/+/, '');
    this.lakeUri = `s3://${options.lakeBucket}/${prefix === '' || prefix.endsWith('/') ? prefix : prefix + '/'}`;
    // UNLOAD writes to lakeUri and materialize reads back through the store: they must be one place.
    if (options.store.location !== this.lakeUri || !options.store.readTail) {
      throw new UsageError(
        `The Athena lake ${this.lakeUri} is not the store's location ${options.store.location}`,
        'Pass the same bucket and prefix to the Athena engine and to the S3 store (--lake s3://bucket/prefix).',
      );
    }
  }

  async query(sql: string, params: SqlValue[] = []): Promise<QueryResult> {
    const execution = await this.execute(sql, params);
    let columns: ColumnInfo[] = [];
    const rows: Row[] = [];
    for await (const page of this.results(execution)) {
      columns = page.columns;
      rows.push(...page.rows);
    }
    return {
      columns: columns.map((c) => ({ name: c.Name!, type: c.Type ?? 'varchar' })),
      rows,
      queryId: execution.QueryExecutionId!,
    };
  }

  /** The query runs to completion on Athena; its rows are then read as they arrive (`results`). */
  async *stream(sql: string, params: SqlValue[] = []): AsyncGenerator<Row[]> {
    for await (const page of this.results(await this.execute(sql, params))) yield page.rows;
  }

  /**
   * A finished query's rows. A SELECT's whole result is one CSV object Athena wrote to the result location,
   * read here as it streams in: GetQueryResults hands out at most 1,000 rows a call, so a table of millions of
   * rows (the Data page's files) took thousands of calls, longer than a Lambda may run. GetQueryResults still
   * gives the columns' types (one call), and the rows where Athena wrote no file this process can read (a
   * statement other than a SELECT, or results Athena keeps itself).
   */
  private async *results(execution: QueryExecution): AsyncGenerator<{ columns: ColumnInfo[]; rows: Row[] }> {
    const location = execution.ResultConfiguration?.OutputLocation;
    const file = execution.StatementType === 'DML' ? /^s3:\/\/([^/]+)\/(.+\.csv)$/.exec(location ?? '') : null;
    if (!file) {
      yield* this.pages(execution);
      return;
    }
    const queryId = execution.QueryExecutionId!;
    const first = await this.call(`read the columns of query ${queryId}`, () =>
      this.client.send(new GetQueryResultsCommand({ QueryExecutionId: queryId, MaxResults: 1 })),
    );
    const columns = first.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [];
    this.s3 ??= new S3Client({});
    const s3 = this.s3;
    const object = await this.call(
      `read the result file ${location} of query ${queryId}`,
      () => s3.send(new GetObjectCommand({ Bucket: file[1], Key: file[2] })),
      `the result location of Athena workgroup "${this.o.workgroup}" (s3:GetObject on ${location})`,
    );
    let read = false;
    for await (const rows of resultFileRows(
      object.Body as AsyncIterable<Uint8Array>,
      columns,
      this.o.maxResults,
      location!,
    )) {
      read = true;
      yield { columns, rows };
    }
    if (!read) yield { columns, rows: [] };
  }

  /** The result pages of a finished query, typed by the first page's column metadata, without Athena's header row. */
  private async *pages(execution: QueryExecution): AsyncGenerator<{ columns: ColumnInfo[]; rows: Row[] }> {
    const queryId = execution.QueryExecutionId!;
    let columns: ColumnInfo[] = [];
    let NextToken: string | undefined;
    let firstPage = true;
    do {
      const page = await this.call(`read the results of query ${queryId}`, () =>
        this.client.send(
          new GetQueryResultsCommand({ QueryExecutionId: queryId, MaxResults: this.o.maxResults, NextToken }),
        ),
      );
      if (firstPage) columns = page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [];
      let pageRows = page.ResultSet?.Rows ?? [];
      if (firstPage && execution.StatementType === 'DML' && isHeaderRow(pageRows[0], columns))
        pageRows = pageRows.slice(1);
      yield { columns, rows: rowObjects(pageRows, columns) };
      NextToken = page.NextToken;
      firstPage = false;
    } while (NextToken);
  }

  /**
   * UNLOAD the SELECT as Parquet into a new version of `metrics/<table>/` and switch readers to it
   * (src/core/lake/metric-versions.ts): UNLOAD needs an empty target, which a new version folder is.
   * Each file is checked against the schema from its footer, read from the end of the object; no table
   * bytes pass through this process. A failed query or check leaves readers on the previous version.
   * `rows` is the sum of the footers' row counts: Athena's query statistics carry no row count for
   * UNLOAD, and a COUNT(*) would scan the data a second time.
   */
  async materialize(
    table: string,
    selectSql: string,
    params: SqlValue[] = [],
    carry: readonly string[] = [],
  ): Promise<{ rows: number }> {
    const def = tableByName(table);
    if (def?.zone !== 'metrics') {
      throw new QueryError(
        `"${table}" is not a metric table`,
        'Declare the table in data-schemas/metrics.ts before materializing it.',
      );
    }
    const store = this.o.store;
    const { rows } = await publishMetricVersion(
      store,
      def,
      async (prefix) => {
        await this.execute(unloadStatement(selectSql, this.lakeUri + prefix), params);
        const keys = await store.list(prefix);
        let total = 0;
        for (const key of keys) total += await checkUnloadedFile(store, def, key);
        return { rows: total, keys };
      },
      carry,
    );
    return { rows };
  }

  async close(): Promise<void> {
    if (this.ownsClient) this.client.destroy();
    if (this.s3 !== this.o.s3) this.s3?.destroy();
  }

  /** Start a query, wait for it to finish, and return its final QueryExecution (state SUCCEEDED). */
  private async execute(sql: string, params: SqlValue[]): Promise<QueryExecution> {
    const ExecutionParameters = params.length > 0 ? params.map(renderLiteral) : undefined;
    // One token per statement: if a retried start already reached Athena, it returns the same query.
    const ClientRequestToken = randomUUID();
    const started = await this.call('start the query', () =>
      retryOnThrottle(
        () =>
          this.client.send(
            new StartQueryExecutionCommand({
              QueryString: sql,
              QueryExecutionContext: { Database: this.o.database },
              WorkGroup: this.o.workgroup,
              ExecutionParameters,
              ClientRequestToken,
              ResultConfiguration: this.o.outputLocation ? { OutputLocation: this.o.outputLocation } : undefined,
            }),
          ),
        this.o.startRetry,
      ),
    );
    const finished = await this.waitFor(started.QueryExecutionId!);
    this.bytesScanned += finished.Statistics?.DataScannedInBytes ?? 0;
    return finished;
  }

  private async waitFor(queryId: string): Promise<QueryExecution> {
    const deadline = Date.now() + this.o.timeoutMs;
    let wait = this.o.pollIntervalMs;
    for (;;) {
      const { QueryExecution: execution } = await this.call(`check query ${queryId}`, () =>
        this.client.send(new GetQueryExecutionCommand({ QueryExecutionId: queryId })),
      );
      const status = execution?.Status;
      if (status?.State === 'SUCCEEDED') return execution!;
      if (status?.State === 'FAILED' || status?.State === 'CANCELLED') {
        const reasons = [status.StateChangeReason, status.AthenaError?.ErrorMessage].filter(
          (r, i, all) => r && all.indexOf(r) === i,
        );
        throw new QueryError(
          `Athena query ${queryId} ${status.State}${reasons.length ? ': ' + reasons.join(' — ') : ''}`,
          status.State === 'FAILED'
            ? `Fix the SQL or the table it names in database "${this.o.database}"; the query is listed under Recent queries in workgroup "${this.o.workgroup}".`
            : `The query was cancelled (by a user or a workgroup limit such as the bytes-scanned cutoff of "${this.o.workgroup}"); re-run it.`,
        );
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        await this.call(`stop query ${queryId}`, () =>
          this.client.send(new StopQueryExecutionCommand({ QueryExecutionId: queryId })),
        );
        throw new QueryError(
          `Athena query ${queryId} did not finish within ${this.o.timeoutMs / 1000} s and was stopped`,
          `Raise the Athena timeout, or check workgroup "${this.o.workgroup}" for queued queries and its limits.`,
        );
      }
      await sleep(Math.min(wait, left));
      wait = Math.min(wait * 2, this.o.maxPollIntervalMs);
    }
  }

  /** Run one AWS API call; an SDK failure becomes a QueryError that says what to check (`resource`: what the call reached). */
  private async call<T>(
    what: string,
    fn: () => Promise<T>,
    resource = `Athena workgroup "${this.o.workgroup}"`,
  ): Promise<T> {
    try {
      return await fn();
    } catch (cause) {
      if (cause instanceof QueryError) throw cause;
      const name = (cause as Error)?.name ?? 'Error';
      const hint =
        name === 'InvalidRequestException'
          ? `Check that workgroup "${this.o.workgroup}" and database "${this.o.database}" exist and that the SQL is valid Athena (Trino) SQL.`
          : awsErrorHint(cause, resource);
      throw new QueryError(`Could not ${what} on Athena: ${name}: ${(cause as Error)?.message ?? cause}`, hint, {
        cause,
      });
    }
  }
}
