import { QueryError } from '../../core/errors.ts';
import type { SqlValue } from '../../core/seams/query-engine.ts';

/**
 * One bound value as the Trino SQL literal Athena's `ExecutionParameters` expects. Athena
 * substitutes each `?` with the literal text it is given, so a string must arrive quoted with
 * every `'` doubled; otherwise `'; drop table x; --` would end the literal and become SQL.
 */
export function renderLiteral(value: SqlValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new QueryError(
        `Cannot bind ${value} as an Athena parameter`,
        'Athena has no literal for NaN or Infinity; filter such values out (or pass null) before querying.',
      );
    }
    // String(n) is a valid Trino numeric literal: 42, -1.5, 1e+21, 1e-7.
    return String(value);
  }
  if (typeof value === 'string') return `'${value.replaceAll("'", "''")}'`;
  throw new QueryError(
    `Cannot bind a ${typeof value} as an Athena parameter`,
    'Pass strings, numbers, booleans or null.',
  );
}
