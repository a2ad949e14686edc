import { lineAt, segmentSql } from './sql-text.ts';

/**
 * Named `:name` parameters in SQL text. Both engines take positional `?` parameters that are bound,
 * never spliced (DuckDB prepared statements, Athena ExecutionParameters), so a statement's named
 * placeholders are rewritten to `?` and the values lined up in the same order. Analyst queries and
 * the report's queries are written this way.
 */
interface Placeholder {
  name: string;
  /** 1-based line of the placeholder, for error messages. */
  line: number;
}

export interface PositionalSql {
  sql: string;
  /** Placeholder names in the order of the `?` marks (a name used twice appears twice). */
  order: Placeholder[];
}

/** `:name` not preceded by another `:` (so a DuckDB `::type` cast is not a parameter). */
const PLACEHOLDER = /(?<!:):([A-Za-z_][A-Za-z0-9_]*)/g;

/**
 * Rewrite `:name` placeholders to `?`. String literals, quoted identifiers and comments are copied
 * untouched, so `':x'` or `-- :x` are not parameters; a `::` cast is left as written (the
 * portability check reports it).
 */
export function toPositional(sql: string): PositionalSql {
  const order: Placeholder[] = [];
  const positional = replacePlaceholders(sql, (placeholder) => {
    order.push(placeholder);
    return '?';
  });
  return { sql: positional, order };
}

/** `sql` with each `:name` placeholder replaced by what `replace` returns for it, the rest copied as written. */
export function replacePlaceholders(sql: string, replace: (placeholder: Placeholder) => string): string {
  return segmentSql(sql)
    .map((seg) =>
      seg.kind !== 'code'
        ? seg.text
        : seg.text.replace(PLACEHOLDER, (_, name: string, offset: number) =>
            replace({ name, line: lineAt(sql, seg.start + offset) }),
          ),
    )
    .join('');
}
