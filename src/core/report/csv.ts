import { csvField } from '../spreadsheet.ts';

export type Cell = string | number | boolean | null;

/**
 * The site's CSV downloads: RFC 4180 with CRLF line ends, fields written by the one rule every
 * chainwatch CSV follows (src/core/spreadsheet.ts): a hostile partner name cannot run as a formula
 * in Excel, and numbers keep full precision so an analyst recomputes exactly what the page shows.
 */
export function toCsv(columns: readonly string[], rows: readonly Record<string, Cell>[]): string {
  return csvLine(columns) + rows.map((r) => csvLine(columns.map((c) => r[c]))).join('');
}

/** One CSV record with its CRLF: a header or a row, for files written a batch at a time. */
export const csvLine = (fields: readonly Cell[]): string => fields.map(csvField).join(',') + '\r\n';
