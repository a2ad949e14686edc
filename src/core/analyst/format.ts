import { UsageError } from '../errors.ts';
import type { QueryResult, SqlValue } from '../seams/query-engine.ts';
import { csvField } from '../spreadsheet.ts';

/**
 * Output formats of `chainwatch query`. Text formats return a string; Parquet returns bytes.
 * Column types come from the engine (DuckDB `DOUBLE`, `DATE`, `DECIMAL(18,2)`; Athena `double`, `date`),
 * so a file keeps the result's types instead of guessing them from the values: dates stay dates
 * (`2024-01-01` in text, a Parquet DATE), decimals stay decimals, codes such as HS6 stay text.
 */
export const OUTPUT_FORMATS = ['table', 'csv', 'json', 'jsonl', 'parquet'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** The format a file name asks for; `.ndjson` is another name for JSON Lines. */
const FORMAT_OF_EXTENSION: Record<string, OutputFormat> = {
  '.csv': 'csv',
  '.json': 'json',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.parquet': 'parquet',
};

/**
 * The format of a result: `--format` if given, else the `--out` file's extension, else an aligned
 * table for a person at a terminal and CSV for a pipe. A file is never the terminal table.
 */
export function outputFormatOf(o: { format?: string; out?: string; isTTY?: boolean }): OutputFormat {
  const fileFormats = OUTPUT_FORMATS.filter((f) => f !== 'table').join('|');
  if (o.format !== undefined) {
    if (!(OUTPUT_FORMATS as readonly string[]).includes(o.format))
      throw new UsageError(`Unknown format "${o.format}"`, `Use --format ${OUTPUT_FORMATS.join('|')}.`);
    if (o.format === 'table' && o.out !== undefined)
      throw new UsageError('--format table is for the terminal, not a file', `Use --format ${fileFormats}.`);
    if (o.format === 'parquet' && o.out === undefined)
      throw new UsageError('Parquet output is binary', 'Pass --out <file.parquet>.');
    return o.format as OutputFormat;
  }
  if (o.out !== undefined) {
    const extension = /\.[^./\\]+$/.exec(o.out)?.[0].toLowerCase() ?? '';
    const format = FORMAT_OF_EXTENSION[extension];
    if (!format)
      throw new UsageError(
        `Cannot tell the format of "${o.out}" from its extension`,
        `Name the file .csv, .json, .jsonl or .parquet, or pass --format ${fileFormats}.`,
      );
    return format;
  }
  return o.isTTY ? 'table' : 'csv';
}

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

const rowJson = (names: readonly string[], r: Record<string, SqlValue>): string =>
  JSON.stringify(Object.fromEntries(names.map((n) => [n, r[n] ?? null])));

/** A JSON array with one row object per line, keys in column order. */
export function formatJson(result: QueryResult): string {
  const names = result.columns.map((c) => c.name);
  const rows = result.rows.map((r) => rowJson(names, r));
  return rows.length ? `[\n${rows.join(',\n')}\n]\n` : '[]\n';
}

/** JSON Lines: one row object per line, nothing around them (an empty result is an empty file). */
function formatJsonLines(result: QueryResult): string {
  const names = result.columns.map((c) => c.name);
  return result.rows.map((r) => `${rowJson(names, r)}\n`).join('');
}

/** The result in a format; Parquet's writer (hyparquet-writer) is loaded only for a Parquet file. */
export async function formatResult(
  result: QueryResult,
  format: OutputFormat,
  metadata?: Record<string, string>,
): Promise<string | Uint8Array> {
  switch (format) {
    case 'table':
      return formatTable(result);
    case 'csv':
      return formatCsv(result);
    case 'json':
      return formatJson(result);
    case 'jsonl':
      return formatJsonLines(result);
    case 'parquet':
      return (await import('./format-parquet.ts')).formatParquet(result, metadata);
  }
}
