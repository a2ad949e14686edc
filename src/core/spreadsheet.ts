/**
 * Text a spreadsheet would run. Excel, LibreOffice and Google Sheets treat a cell that starts with
 * `=`, `+`, `-` or `@` (after any spaces), or with a tab or carriage return, as a formula: a partner
 * name like `=HYPERLINK("http://evil", "Japan")` would run when an analyst opens a CSV. Every CSV
 * chainwatch writes (the site's downloads, `chainwatch query --format csv`) defuses such cells the
 * same way, and ingest never trims a value into one.
 */

/**
 * The most rows a spreadsheet opens: Excel's and LibreOffice Calc's 1,048,576, the header row included. A
 * CSV longer than that opens cut off, so the site offers such a table as Parquet only.
 */
export const SPREADSHEET_MAX_ROWS = 1_048_576;

/** A plain decimal number ("-5", "+1.5e3") starts with a sign but is a number, not a formula. */
const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const TRIGGER = /^[=+\-@\t\r]/;

/** Whether a spreadsheet would read the text as a formula (spaces before the `=` included, to be safe). */
const opensFormula = (text: string): boolean =>
  (TRIGGER.test(text) || TRIGGER.test(text.trimStart())) && !PLAIN_NUMBER.test(text.trim());

/**
 * Trim a text value, unless trimming is what would put a formula's first character first
 * (` =1+1` stays as given, less its trailing spaces): the value keeps the meaning it had in the input.
 */
export function trimText(text: string): string {
  const trimmed = text.trim();
  return TRIGGER.test(trimmed) && !TRIGGER.test(text) && !PLAIN_NUMBER.test(trimmed) ? text.trimEnd() : trimmed;
}

/** JavaScript's white space (what `trim` removes), spelt out for a SQL regular expression (RE2 in DuckDB, Joni in Trino). */
const SQL_SPACE =
  '[\\t\\n\\v\\f\\r \\x{00a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}\\x{feff}]';

/**
 * `csvField`'s defusing of a text column, as a SQL expression for a CSV the query engine writes itself:
 * the same cells get the same leading apostrophe. Portable SQL (regexp_extract: NULL on Trino, '' on
 * DuckDB when nothing matches; both patterns match at least one character when they match).
 */
export function csvTextSql(column: string): string {
  const opens = `^(?:[\\t\\r]|${SQL_SPACE}*[=+\\-@])`;
  const number = `^${SQL_SPACE}*[+-]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?${SQL_SPACE}*$`;
  const matches = (pattern: string) => `COALESCE(regexp_extract(${column}, '${pattern}'), '') <> ''`;
  return `CASE WHEN ${matches(opens)} AND NOT ${matches(number)} THEN '''' || ${column} ELSE ${column} END`;
}

export type CsvValue = string | number | boolean | null | undefined;

/**
 * One RFC 4180 field: null and non-finite numbers are empty, numbers keep full precision, text that
 * opens a formula gets a leading apostrophe (shown as text, never run), and a field with a comma,
 * quote or line break is quoted with its quotes doubled.
 */
export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  let text = String(value);
  if (typeof value === 'string' && opensFormula(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
