import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { namedQueryOf, parseSavedQuery } from '../src/core/sql/saved-query.ts';
import { UsageError } from '../src/core/errors.ts';

/** One Athena named query, generated from one `sql/analyst/*.sql` saved query. */
export interface AnalystQuery {
  /** File name without `.sql`; the named query's name. */
  name: string;
  /** Title, description and the parameters in `?` order. */
  description: string;
  /** The query body with `:name` placeholders turned into Athena's positional `?`. */
  sql: string;
}

/** Athena limits for a named query. */
const MAX_NAME = 128;
const MAX_SQL = 262_144;

/**
 * Read every `.sql` file in `dir` (sorted by name) through the same saved-query parser the CLI
 * uses, so the console gets the `?` form Athena can execute. A missing or empty folder yields no
 * queries: the analyst SQL is added independently of the infrastructure.
 */
export function readAnalystQueries(dir: string): AnalystQuery[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((file) => {
      const path = join(dir, file);
      const { name, description, queryString } = namedQueryOf(parseSavedQuery(path, readFileSync(path, 'utf8')));
      const fail = (what: string) =>
        new UsageError(`Analyst query ${path} ${what}.`, 'Fix the file in sql/analyst/ and synthesize again.');
      if (!/^[A-Za-z0-9_.-]+$/.test(name) || name.length > MAX_NAME)
        throw fail(`has a name Athena cannot save (use up to ${MAX_NAME} letters, digits, _ . -)`);
      if (queryString.length > MAX_SQL) throw fail(`is longer than Athena's ${MAX_SQL}-character limit`);
      return { name, description, sql: queryString.trim() };
    });
}
