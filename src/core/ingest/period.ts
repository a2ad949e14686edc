import { RowProblem } from './rows.ts';

/** '2020', '2019-12', '2020-2030', '2019-01/2019-07', '2019-07-16/2020-07-15'. */
const PERIOD = /^\d{4}(-\d{2}){0,2}([/-]\d{4}(-\d{2}){0,2})?$/;

/**
 * The year a period ends in: the largest four-digit year it names ('2020-2030' → 2030,
 * '2019-12' → 2019, '2019-07-16/2020-07-15' → 2020); null for an undated ('') period.
 */
export function periodEndYear(period: string): number | null {
  if (period === '') return null;
  if (!PERIOD.test(period))
    throw new RowProblem(`period "${period}" is not YYYY, YYYY-MM, YYYY-YYYY or a start/end range`);
  return Math.max(...(period.match(/\d{4}/g) ?? []).map(Number));
}

/** The publication year in a source id ('SIA_2024_WEB' → 2024, 'USGS_MCS2026_LI' → 2026); null when it names none. */
export function publicationYear(sourceId: string): number | null {
  const m = /(?:^|[_A-Z])((?:19|20)\d{2})(?:_|$)/.exec(sourceId);
  return m ? Number(m[1]) : null;
}

/**
 * A row is a projection when its indicator says so, or when its period ends after the year its source
 * was published (a 2020 report's '2020-2030' figure is a forecast). Deliberately simple: no source
 * publishes observations for years after its own publication.
 */
export function isProjection(indicator: string, year: number | null, publishedYear: number | null): boolean {
  return /projection|forecast/i.test(indicator) || (year !== null && publishedYear !== null && year > publishedYear);
}
