/**
 * The query-engine seam. DuckDB implements it locally over the folder lake; Athena implements
 * it in AWS over Glue tables. The shape follows what both can do: a query is started with
 * positional `?` parameters that are bound (never spliced), its rows come back typed.
 */
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
   * what was there. Locally DuckDB writes the file; on Athena an UNLOAD writes it.
   */
  materialize(table: string, selectSql: string, params?: SqlValue[]): Promise<{ rows: number }>;
  /**
   * Stop the statement now running, if the engine can (DuckDB: the connection's interrupt); that
   * statement then fails. An interactive session calls it when the person presses Ctrl-C.
   */
  interrupt?(): void;
  close(): Promise<void>;
}
