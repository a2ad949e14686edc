/**
 * The query-engine seam. DuckDB implements it locally over the folder lake; Athena implements
 * it in AWS over Glue tables. The shape follows what both can do: a query is started with
 * positional `?` parameters that are bound (never spliced), its rows come back typed.
 */
import type { ObjectStore } from './object-store.ts';

export type SqlValue = string | number | boolean | null;

/** One result row, by column name. */
export type Row = Record<string, SqlValue>;

export interface QueryResult {
  columns: { name: string; type: string }[];
  rows: Row[];
  /** Engine-side id (Athena QueryExecutionId), when the engine has one. */
  queryId?: string;
}

export interface QueryEngine {
  readonly name: 'duckdb' | 'athena';
  /** Run one statement with positional `?` parameters and return all rows. */
  query(sql: string, params?: SqlValue[]): Promise<QueryResult>;
  /**
   * Run a SELECT and yield its rows batch by batch as the engine hands them over (DuckDB: one data
   * chunk; Athena: one page of results), so the caller holds a batch, never the whole result.
   * Leaving the loop early releases the query's resources.
   */
  stream(sql: string, params?: SqlValue[]): AsyncIterable<Row[]>;
  /**
   * Run a SELECT and store its result as Parquet under `metrics/<table>/` in the lake, replacing
   * what was there. Locally DuckDB writes the file; on Athena an UNLOAD writes it. `carry` names files
   * of the table's current version that the new version keeps as they are, beside the SELECT's rows (copied
   * within the store); `rows` counts the SELECT's rows only.
   */
  materialize(
    table: string,
    selectSql: string,
    params?: SqlValue[],
    carry?: readonly string[],
  ): Promise<{ rows: number }>;
  /**
   * Write a SELECT's result as one file at `key` of `out`, by the engine itself: the rows never pass
   * through this process (DuckDB: COPY … TO the store's local file). Only an engine that can write where
   * `out` keeps its files has it; without it, a caller streams the rows and writes the file itself.
   */
  writeFile?(selectSql: string, params: SqlValue[], target: FileTarget): Promise<{ rows: number; bytes: number }>;
  /**
   * Stop the statement now running, if the engine can (DuckDB: the connection's interrupt); that
   * statement then fails. An interactive session calls it when the person presses Ctrl-C.
   */
  interrupt?(): void;
  close(): Promise<void>;
}

/** Where and how `writeFile` writes a result. */
export interface FileTarget {
  out: ObjectStore;
  key: string;
  /** Parquet (with `metadata` as its key-value metadata), or CSV with a header line and CRLF line ends. */
  format: 'parquet' | 'csv';
  metadata?: Record<string, string>;
}
