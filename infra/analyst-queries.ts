import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UsageError } from '../src/errors.ts';

/** One saved Athena query, generated from one `sql/analyst/*.sql` file. */
export interface AnalystQuery {
  /** File name without `.sql`; the named query's name. */
  name: string;
  /** The file's leading `--` comment lines, or a pointer to the file when it has none. */
  description: string;
  sql: string;
}

/** Athena limits for a named query. */
const MAX_NAME = 128;
const MAX_DESCRIPTION = 1024;
const MAX_SQL = 262_144;

/**
 * Read every `.sql` file in `dir` (sorted by name) as a named query. A missing or empty folder
 * yields no queries: the analyst SQL is added independently of the infrastructure.
 */
export function readAnalystQueries(dir: string): AnalystQuery[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((file) => toQuery(join(dir, file), readFileSync(join(dir, file), 'utf8')));
}

function toQuery(path: string, text: string): AnalystQuery {
  const name = basename(path, '.sql');
  const sql = text.trim();
  const fail = (what: string) => new UsageError(`Analyst query ${path} ${what}.`, 'Fix the file in sql/analyst/ and synthesize again.');
  if (!sql) throw fail('is empty');
  if (!/^[A-Za-z0-9_.-]+$/.test(name) || name.length > MAX_NAME) throw fail(`has a name Athena cannot save (use up to ${MAX_NAME} letters, digits, _ . -)`);
  if (sql.length > MAX_SQL) throw fail(`is longer than Athena's ${MAX_SQL}-character limit`);
  const header: string[] = [];
  for (const line of sql.split('\n')) {
    if (!line.trim().startsWith('--')) break;
    header.push(line.trim().replace(/^--\s?/, ''));
  }
  const description = (header.join(' ').trim() || `Analyst query from sql/analyst/${name}.sql`).slice(0, MAX_DESCRIPTION);
  return { name, description, sql };
}
