export type Cell = string | number | boolean | null;

/**
 * RFC 4180 CSV. Strings that a spreadsheet would run as a formula (leading = + - @ tab CR) get a
 * leading apostrophe, so a hostile partner name cannot execute in Excel; numbers are written with
 * full precision so an analyst recomputes exactly what the page shows.
 */
export function toCsv(columns: readonly string[], rows: readonly Record<string, Cell>[]): string {
  const cell = (v: Cell): string => {
    if (v === null || v === undefined) return '';
    if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
    let s = String(v);
    if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [columns.map((c) => cell(c)).join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))];
  return lines.join('\r\n') + '\r\n';
}
