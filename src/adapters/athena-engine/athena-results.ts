import type { ColumnInfo, Row } from '@aws-sdk/client-athena';
import type { Row as ResultRow, SqlValue } from '../../core/seams/query-engine.ts';

const INTEGER_TYPES = new Set(['tinyint', 'smallint', 'integer', 'int', 'bigint']);
const FLOAT_TYPES = new Set(['double', 'real', 'float', 'decimal']);

/**
 * One Athena result cell as a JS value, by its column's type. Athena returns every value as
 * text; SQL NULL is a cell without `VarCharValue` (an empty string is `VarCharValue: ''`).
 * Other types (date, timestamp, varchar, arrays as text) stay strings.
 */
function cellValue(type: string, text: string | undefined): SqlValue {
  if (text === undefined) return null;
  const base = type.toLowerCase().replace(/\(.*$/, ''); // decimal(10,2) → decimal
  if (INTEGER_TYPES.has(base) || FLOAT_TYPES.has(base)) return Number(text);
  if (base === 'boolean') return text === 'true';
  return text;
}

/**
 * Athena puts the column labels as the first row of the first page of a SELECT's results.
 * Checking the labels rather than dropping blindly keeps statements without that row
 * (DDL, some DML) intact.
 */
export function isHeaderRow(row: Row | undefined, columns: readonly ColumnInfo[]): boolean {
  const data = row?.Data ?? [];
  return data.length === columns.length && columns.every((c, i) => data[i]?.VarCharValue === (c.Label ?? c.Name));
}

/** Typed row objects from one page of Athena rows. */
export function rowObjects(rows: readonly Row[], columns: readonly ColumnInfo[]): ResultRow[] {
  return rows.map((row) => {
    const out: ResultRow = {};
    columns.forEach((c, i) => {
      out[c.Name!] = cellValue(c.Type ?? 'varchar', row.Data?.[i]?.VarCharValue);
    });
    return out;
  });
}
