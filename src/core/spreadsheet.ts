/**
 * Text a spreadsheet would run. Excel, LibreOffice and Google Sheets treat a cell that starts with
 * `=`, `+`, `-` or `@` (after any spaces), or with a tab or carriage return, as a formula: a partner
 * name like `=HYPERLINK("http://evil", "Japan")` would run when an analyst opens a CSV. Every CSV
 * chainwatch writes (the site's downloads, `chainwatch query --format csv`) defuses such cells the
 * same way, and ingest never trims a value into one.
 */

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
