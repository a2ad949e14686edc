/**
 * The query-engine seam. DuckDB implements it locally over the folder lake; Athena implements
 * it in AWS over Glue tables. The shape follows what both can do: a query is started with
 * positional `?` parameters that are bound (never spliced), its rows come back typed.
 */
export type SqlValue = string | number | boolean | null;

export interface QueryResult {
  columns: { name: string; type: string }[];
  rows: Record<string, SqlValue>[];
  /** Engine-side id (Athena QueryExecutionId), when the engine has one. */
  queryId?: string;
}

export interface QueryEngine {
  readonly name: 'duckdb' | 'athena';
  /** Run one statement with positional `?` parameters and return all rows. */
  query(sql: string, params?: SqlValue[]): Promise<QueryResult>;
  /**
   * Run a SELECT and store its result as Parquet under `metrics/<table>/` in the lake, replacing
   * what was there. Locally DuckDB writes the file; on Athena an UNLOAD writes it.
   */
  materialize(table: string, selectSql: string, params?: SqlValue[]): Promise<{ rows: number }>;
  close(): Promise<void>;
}
