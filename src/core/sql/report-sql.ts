import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.ts';
import { PROJECT_ROOT } from '../project-root.ts';
import type { SqlValue } from '../seams/query-engine.ts';
import { toPositional } from './placeholders.ts';

/**
 * The report's queries (`sql/report/<name>.sql`) as the code sees them: each asks the query engine
 * for the rows of one kind of page (or of the site's small reference facts), written in the subset
 * Trino and DuckDB run alike, with `:name` parameters that are bound, never spliced.
 */

/** Repository-relative folder of the report SQL files. */
const REPORT_SQL_DIR = 'sql/report/';

export interface ReportSql {
  name: string;
  /** Repository-relative path, e.g. `sql/report/product_years.sql`. */
  path: string;
  /** The statement with its `:name` placeholders rewritten to `?`. */
  sql: string;
  /** Placeholder names in the order of the `?` marks. */
  params: string[];
}

let cache: Map<string, ReportSql> | undefined;

/** Every report query, by name (read once). */
export function reportSqlFiles(): Map<string, ReportSql> {
  if (cache) return cache;
  const dir = join(PROJECT_ROOT, REPORT_SQL_DIR);
  cache = new Map(
    readdirSync(dir)
      .filter((f) => f.endsWith('.sql'))
      .sort()
      .map((f) => {
        const name = f.slice(0, -'.sql'.length);
        const { sql, order } = toPositional(readFileSync(join(dir, f), 'utf8'));
        return [name, { name, path: `${REPORT_SQL_DIR}${f}`, sql, params: order.map((p) => p.name) }] as const;
      }),
  );
  return cache;
}

/** One report query with its parameters bound from `values` (each placeholder must have a value, null included). */
export function reportStatement(
  name: string,
  values: Readonly<Record<string, SqlValue>>,
): { sql: ReportSql; params: SqlValue[] } {
  const sql = reportSqlFiles().get(name);
  if (!sql)
    throw new UsageError(
      `No report query ${REPORT_SQL_DIR}${name}.sql`,
      'A page family names its queries by file name; add the file or fix the name.',
    );
  const missing = sql.params.filter((p) => !(p in values));
  if (missing.length > 0)
    throw new UsageError(
      `${sql.path} needs a value for :${[...new Set(missing)].join(', :')}`,
      'Pass every parameter the query names (null for an open one).',
    );
  return { sql, params: sql.params.map((p) => values[p]) };
}
