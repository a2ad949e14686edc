import { csvField } from '../spreadsheet.ts';

export type Cell = string | number | boolean | null;

/**
 * The site's CSV downloads: RFC 4180 with CRLF line ends, fields written by the one rule every
 * chainwatch CSV follows (src/core/spreadsheet.ts): a hostile partner name cannot run as a formula
 * in Excel, and numbers keep full precision so an analyst recomputes exactly what the page shows.
 */
export function toCsv(columns: readonly string[], rows: readonly Record<string, Cell>[]): string {
  const lines = [columns.map(csvField).join(','), ...rows.map((r) => columns.map((c) => csvField(r[c])).join(','))];
  return lines.join('\r\n') + '\r\n';
}
