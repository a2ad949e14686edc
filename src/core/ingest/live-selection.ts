import { INGEST_SOURCES, LIVE_SOURCES, type LiveSourceId } from '../sources.ts';
import { FLOWS } from '../../../data-schemas/curated.ts';
import { UsageError } from '../errors.ts';
import type { LiveReference } from './live-reference.ts';
import { addMonths, formatMonth, monthIndex, parseMonth, type Month } from './months.ts';
import type { CensusScope } from './sources/census.ts';
import type { ComtradeScope } from './sources/comtrade.ts';

import type { UsgsOptions } from './sources/usgs.ts';

type Flow = (typeof FLOWS)[number];

/** What a run fetches, per live source; a source left out is not fetched. */
export interface LiveSelection {
  comtrade?: ComtradeScope;
  census?: CensusScope;
  usgs?: UsgsOptions;
  /** The refresh period, recorded in the manifest and the source state. */
  period?: string;
}

/**
 * How far back a monthly refresh looks, because sources revise: Census revises earlier months of the
 * current and previous year, Comtrade keeps adding and revising annual reporters for about two years.
 * Content hashes make the overlap cheap: an unchanged response is a no-op.
 */
export interface RefreshWindow {
  censusMonths: number;
  comtradeYears: number;
}
const DEFAULT_REFRESH_WINDOW: RefreshWindow = { censusMonths: 12, comtradeYears: 2 };

/** Narrows a run (tests, ad-hoc runs); by default the whole basket, reporter USA, both flows. */
export interface ScopeOverrides {
  /** ISO3 or Comtrade codes. */
  reporters?: string[];
  hs?: string[];
  flows?: Flow[];
}

/** `--source --from --to --reporters --hs` of `chainwatch ingest`, as typed. */
export interface IngestCliOptions {
  source: string;
  from?: string;
  to?: string;
  /** Comma-separated ISO3 or Comtrade codes, e.g. "USA,DEU" or "842". */
  reporters?: string;
  /** Comma-separated HS6 codes of the basket. */
  hs?: string;
}

const DEFAULT_REPORTER = 'USA';
/** Census monthly HS6 data start in January 2010 (earlier months come back as HTTP 204). */
const CENSUS_FIRST_MONTH: Month = { year: 2010, month: 1 };

const list = (text: string | undefined): string[] | undefined =>
  text === undefined
    ? undefined
    : text
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');

function comtradeReporters(tokens: readonly string[], ref: LiveReference): string[] {
  return tokens.map((t) => {
    const country = /^\d+$/.test(t) ? ref.byComtradeCode.get(t) : ref.byIso3.get(t.toUpperCase());
    if (!country?.comtrade_code || country.is_aggregate) {
      throw new UsageError(
        `Reporter "${t}" is not a country with a Comtrade code`,
        'Give ISO3 codes or Comtrade codes from data-schemas/reference/countries.csv, e.g. --reporters USA,DEU or 842.',
      );
    }
    return country.comtrade_code;
  });
}

function basketCodes(tokens: readonly string[] | undefined, ref: LiveReference): string[] {
  const basket = ref.basket.map((b) => b.hs6);
  if (tokens === undefined) return basket;
  for (const t of tokens) {
    if (!basket.includes(t)) {
      throw new UsageError(
        `HS code "${t}" is not in the basket`,
        `Use HS6 codes of data-schemas/reference/basket.csv: ${basket.join(', ')}.`,
      );
    }
  }
  return [...tokens];
}

/** The latest month monthly trade data are out for: two months back (Census publishes month m early in m+2). */
export const defaultRefreshPeriod = (now: Date): string =>
  formatMonth(addMonths({ year: now.getUTCFullYear(), month: now.getUTCMonth() + 1 }, -2));

const yearsBetween = (from: number, to: number): string[] =>
  Array.from({ length: to - from + 1 }, (_, i) => String(from + i));

/** A monthly refresh: the window of each requested source ending at `period`. */
export function refreshSelection(
  period: string,
  sources: readonly LiveSourceId[],
  ref: LiveReference,
  o: { window?: Partial<RefreshWindow>; overrides?: ScopeOverrides; usgs?: UsgsOptions } = {},
): LiveSelection {
  for (const s of sources) {
    if (!(LIVE_SOURCES as readonly string[]).includes(s))
      throw new UsageError(`Unknown live source "${s}"`, `Use ${LIVE_SOURCES.join(', ')}.`);
  }
  const to = parseMonth(period);
  const window = { ...DEFAULT_REFRESH_WINDOW, ...o.window };
  const hs = basketCodes(o.overrides?.hs, ref);
  const flows = o.overrides?.flows ?? [...FLOWS];
  const selection: LiveSelection = { period: formatMonth(to) };
  if (sources.includes('comtrade')) {
    const periods = yearsBetween(to.year - window.comtradeYears, to.year - 1);
    selection.comtrade = {
      freq: 'A',
      periods,
      reporters: comtradeReporters(o.overrides?.reporters ?? [DEFAULT_REPORTER], ref),
      hs,
      flows,
    };
  }
  if (sources.includes('census')) selection.census = { from: addMonths(to, 1 - window.censusMonths), to, hs, flows };
  if (sources.includes('usgs')) selection.usgs = o.usgs ?? {};
  return selection;
}

/**
 * `chainwatch ingest --source comtrade|census|usgs` → what to fetch. Comtrade takes years (annual) or
 * months (monthly) and defaults to the last two complete years; Census takes months and defaults to the
 * twelve months up to two months ago (its release lag); USGS fetches whole files and takes no range.
 */
export function ingestSelection(
  o: IngestCliOptions,
  ref: LiveReference,
  now: Date,
  usgs: UsgsOptions = {},
): LiveSelection {
  const source = o.source as LiveSourceId;
  if (!(LIVE_SOURCES as readonly string[]).includes(source)) {
    throw new UsageError(`Unknown live source "${o.source}"`, `Use --source ${INGEST_SOURCES.join('|')}.`);
  }
  const hs = list(o.hs);
  const reporters = list(o.reporters);
  if (source === 'usgs') {
    const given = (['from', 'to', 'reporters', 'hs'] as const).filter((k) => o[k] !== undefined);
    if (given.length > 0) {
      throw new UsageError(
        `--${given.join(', --')} do not apply to --source usgs`,
        'The USGS connector fetches whole data-release files; drop those options.',
      );
    }
    return { usgs };
  }
  if (source === 'census') {
    if (reporters && !(reporters.length === 1 && comtradeReporters(reporters, ref)[0] === '842')) {
      throw new UsageError(
        '--reporters does not apply to --source census',
        'Census data are US trade only; drop --reporters (or use --source comtrade).',
      );
    }
    const to = o.to ? monthOrYear(o.to, '--to', 12) : parseMonth(defaultRefreshPeriod(now));
    const from = o.from ? monthOrYear(o.from, '--from', 1) : addMonths(to, -11);
    if (monthIndex(from) > monthIndex(to))
      throw new UsageError(`--from ${o.from} is after --to ${o.to}`, 'Give --from before --to.');
    if (monthIndex(from) < monthIndex(CENSUS_FIRST_MONTH)) {
      throw new UsageError(
        `--from ${formatMonth(from)} is before 2010-01`,
        'Census monthly HS6 data start in January 2010.',
      );
    }
    return { census: { from, to, hs: basketCodes(hs, ref), flows: [...FLOWS] } };
  }
  const granularity = (t: string | undefined) =>
    t === undefined ? undefined : /^\d{4}$/.test(t) ? 'A' : /^\d{4}-\d{2}$/.test(t) ? 'M' : 'bad';
  const kinds = [granularity(o.from), granularity(o.to)].filter((k) => k !== undefined);
  if (kinds.includes('bad') || new Set(kinds).size > 1) {
    throw new UsageError(
      `--from/--to "${o.from ?? ''}" / "${o.to ?? ''}" are not both years or both months`,
      'Give years for annual data (--from 2021 --to 2023) or months for monthly data (--from 2024-01 --to 2024-06).',
    );
  }
  const comtradeRep = comtradeReporters(reporters ?? [DEFAULT_REPORTER], ref);
  const codes = basketCodes(hs, ref);
  if (kinds[0] === 'M') {
    const from = parseMonth(o.from ?? o.to!, '--from');
    const to = parseMonth(o.to ?? o.from!, '--to');
    const periods: string[] = [];
    for (let m = from; monthIndex(m) <= monthIndex(to); m = addMonths(m, 1))
      periods.push(formatMonth(m).replace('-', ''));
    if (periods.length === 0)
      throw new UsageError(`--from ${o.from} is after --to ${o.to}`, 'Give --from before --to.');
    return { comtrade: { freq: 'M', periods, reporters: comtradeRep, hs: codes, flows: [...FLOWS] } };
  }
  const lastYear = now.getUTCFullYear() - 1;
  const toYear = o.to ? Number(o.to) : o.from ? Number(o.from) : lastYear;
  const fromYear = o.from ? Number(o.from) : o.to ? toYear : lastYear - 1;
  if (fromYear > toYear) throw new UsageError(`--from ${fromYear} is after --to ${toYear}`, 'Give --from before --to.');
  return {
    comtrade: {
      freq: 'A',
      periods: yearsBetween(fromYear, toYear),
      reporters: comtradeRep,
      hs: codes,
      flows: [...FLOWS],
    },
  };
}

/** 'YYYY-MM', or 'YYYY' meaning its first (from) or last (to) month. */
function monthOrYear(text: string, option: string, monthOfYear: number): Month {
  return /^\d{4}$/.test(text.trim()) ? { year: Number(text), month: monthOfYear } : parseMonth(text, option);
}
