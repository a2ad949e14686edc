import { UsageError } from '../../core/errors.ts';

/** A SQL string literal. Only for paths we generate ourselves; user values are always bound. */
export const sqlString = (text: string): string => `'${text.replace(/'/g, "''")}'`;

/** A quoted identifier, so a column named like a keyword (`year`, `value`, `rank`) is never misread. */
export const sqlIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/**
 * A path as a DuckDB file pattern that matches that path only. DuckDB globs every path it reads, so a
 * lake at `runs/lake[1]` would read `runs/lake1`, and one at `a*b` every sibling: each glob character
 * goes into a one-character class (`[[]`, `[*]`, `[?]`), which matches exactly it. DuckDB has no way
 * to match a backslash literally, so a path with one is refused rather than read approximately.
 */
export function literalPattern(path: string): string {
  if (path.includes('\\')) {
    throw new UsageError(
      `DuckDB cannot read files under "${path}": the path holds a backslash, which DuckDB's file patterns cannot match literally`,
      'Rename the folder (or pass --lake a path without "\\"); chainwatch reads the lake by absolute path.',
    );
  }
  return path.replace(/[[*?{}]/g, (c) => `[${c}]`);
}
