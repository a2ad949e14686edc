import type { ChartRow } from './chart.ts';

/** Every year from the first to the last of `years`: an ordinal year axis keeps a slot for a year without data. */
export function yearSpan(years: Iterable<number>): number[] {
  const all = [...years];
  if (all.length === 0) return [];
  const [from, to] = [Math.min(...all), Math.max(...all)];
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/**
 * A line's values with a gap where a series has no figure: for each year inside a series' span that
 * has no row, a row with `value` null (its other fields copied, so it stays in its series). Vega-Lite
 * breaks a line at a null and draws no point there, so a line never bridges years without data
 * (two figures 30 years apart are two points, not a straight line). Only the spec gets these rows;
 * the chart's table and CSV keep exactly the figures.
 */
export function breakAtMissingYears(
  rows: readonly ChartRow[],
  seriesOf: (row: ChartRow) => string,
  value: string,
): ChartRow[] {
  const series = new Map<string, ChartRow[]>();
  for (const r of rows) series.set(seriesOf(r), [...(series.get(seriesOf(r)) ?? []), r]);
  const gaps: ChartRow[] = [];
  for (const members of series.values()) {
    const years = new Set(members.map((r) => Number(r.year)));
    for (const year of yearSpan(years)) if (!years.has(year)) gaps.push({ ...members[0], year, [value]: null });
  }
  return [...rows, ...gaps];
}
