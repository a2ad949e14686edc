import { parquetWriteBuffer, type BasicType } from 'hyparquet-writer';
import type { QueryResult, SqlValue } from '../seams/query-engine.ts';
import { csvField } from '../spreadsheet.ts';

/**
 * Output formats of `chainwatch query`. Text formats return a string; Parquet returns bytes.
 * Column types come from the engine (DuckDB `DOUBLE`, Athena `double`), so the Parquet file keeps
 * the result's types instead of guessing them from the values.
 */
export const OUTPUT_FORMATS = ['table', 'csv', 'json', 'parquet'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Display text of a value in the aligned table: NULL as in the DuckDB CLI, fractions to 6 decimals. */
function cellText(v: SqlValue): string {
  if (v === null) return 'NULL';
  if (typeof v === 'number' && !Number.isInteger(v)) return String(Number(v.toFixed(6)));
  return String(v);
}

export function formatTable(result: QueryResult): string {
  const names = result.columns.map((c) => c.name);
  const cells = result.rows.map((r) => names.map((n) => cellText(r[n] ?? null)));
  const widths = names.map((n, i) => Math.max(n.length, ...cells.map((row) => row[i].length)));
  const numeric = names.map((n) => result.rows.some((r) => typeof r[n] === 'number'));
  const pad = (text: string, i: number) => (numeric[i] ? text.padStart(widths[i]) : text.padEnd(widths[i]));
  const line = (row: string[]) => row.map(pad).join('  ').trimEnd();
  const rowCount = `(${result.rows.length} ${result.rows.length === 1 ? 'row' : 'rows'})`;
  return [line(names), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line), rowCount].join('\n') + '\n';
}

/**
 * RFC 4180 CSV with a header row; NULL is an empty field. Text that a spreadsheet would run as a
 * formula (`=…`, `+…`, `-…`, `@…`) gets a leading apostrophe, as in the site's CSVs.
 */
export function formatCsv(result: QueryResult): string {
  const names = result.columns.map((c) => c.name);
  return (
    [names.map(csvField).join(','), ...result.rows.map((r) => names.map((n) => csvField(r[n] ?? null)).join(','))].join(
      '\n',
    ) + '\n'
  );
}

/** A JSON array with one row object per line, keys in column order. */
export function formatJson(result: QueryResult): string {
  const names = result.columns.map((c) => c.name);
  const rows = result.rows.map((r) => JSON.stringify(Object.fromEntries(names.map((n) => [n, r[n] ?? null]))));
  return rows.length ? `[\n${rows.join(',\n')}\n]\n` : '[]\n';
}

/** Parquet physical type for an engine type name (DuckDB upper case, Athena lower case). */
function parquetTypeOf(engineType: string): BasicType {
  const t = engineType.toLowerCase();
  if (t === 'boolean') return 'BOOLEAN';
  if (['integer', 'int', 'smallint', 'tinyint', 'usmallint', 'utinyint'].includes(t)) return 'INT32';
  if (['bigint', 'hugeint', 'ubigint', 'uinteger'].includes(t)) return 'INT64';
  if (['double', 'float', 'real'].includes(t) || t.startsWith('decimal')) return 'DOUBLE';
  return 'STRING';
}

export function formatParquet(result: QueryResult): Uint8Array {
  const columnData = result.columns.map((c) => {
    const type = parquetTypeOf(c.type);
    const convert = (v: SqlValue) =>
      v === null ? null : type === 'INT64' ? BigInt(v as number) : type === 'STRING' ? String(v) : v;
    return { name: c.name, type, nullable: true, data: result.rows.map((r) => convert(r[c.name] ?? null)) };
  });
  return new Uint8Array(parquetWriteBuffer({ columnData }));
}

export function formatResult(result: QueryResult, format: OutputFormat): string | Uint8Array {
  switch (format) {
    case 'table':
      return formatTable(result);
    case 'csv':
      return formatCsv(result);
    case 'json':
      return formatJson(result);
    case 'parquet':
      return formatParquet(result);
  }
}
