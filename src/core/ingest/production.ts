import { BUNDLED_SOURCE } from '../sources.ts';
import * as aq from 'arquero';
import {
  production,
  sources,
  type CountryRow,
  type ProductionRow,
  type SourceRow,
} from '../../../data-schemas/curated.ts';
import { transformCandidates } from './candidates-table.ts';
import { originsOf, requireColumns, type CsvFile } from './csv.ts';
import { isProjection, periodEndYear, publicationYear } from './period.ts';
import {
  canonicalMeasure,
  commodityOf,
  sectorOfDataset,
  stageOfMeasure,
  USGS_CHAPTERS,
  USGS_TABLE_MEASURES,
} from './production-rules.ts';
import {
  normalizeRows,
  orNull,
  parseNonNegative,
  required,
  RowProblem,
  type Candidate,
  type Normalized,
} from './rows.ts';

import { canonicalValue } from './units.ts';

/** The tidy layout shared by the sector files (semiconductors, rare earths, EV batteries, medical supplies). */
const TIDY_COLUMNS = [
  'dataset',
  'indicator',
  'geo',
  'geo_name',
  'year',
  'value',
  'qualifier',
  'unit',
  'source_id',
  'note',
] as const;
/** The USGS MCS world-production extract. */
const USGS_COLUMNS = [
  'commodity',
  'edition',
  'country',
  'iso3',
  'year',
  'value',
  'unit',
  'estimated',
  'source_path',
  'raw_value',
  'table',
  'note',
] as const;

const UNVERIFIED_REASON = 'unverified source; see data/bundled/SOURCES.md';

type RowWithoutFlag = Omit<ProductionRow, 'geo_is_aggregate'>;

const joinNotes = (...notes: (string | null)[]): string | null => notes.filter((n) => n).join('; ') || null;

function knownGeo(geos: ReadonlySet<string>, iso3: string): string {
  if (!geos.has(iso3)) throw new RowProblem(`unknown geo code ${iso3}; add it to data-schemas/reference/countries.csv`);
  return iso3;
}

/** A value cell: a number ≥ 0, or empty when (and only when) the source withheld it. */
function parseValue(text: string, withheld: boolean): number | null {
  if (text.trim() === '') {
    if (withheld) return null;
    throw new RowProblem('value is empty but the row is not marked withheld (qualifier W)');
  }
  return parseNonNegative(text, 'value');
}

/** Production-table derivation common to both layouts: the aggregate flag comes from a lookup on countries.csv. */
function withAggregateFlag(
  countries: readonly CountryRow[],
  rows: Candidate<RowWithoutFlag>[],
): Candidate<ProductionRow>[] {
  const geos = aq.from(countries as unknown as Record<string, unknown>[]);
  return transformCandidates(production, rows, (t) =>
    t.lookup(geos, ['geo_iso3', 'iso3'], { geo_is_aggregate: (d: CountryRow) => d.is_aggregate }),
  );
}

/**
 * A tidy sector file → production rows. Rows whose note says UNVERIFIED never ship: they go to
 * quarantine with a pointer to SOURCES.md. A period ending after its source's publication year, or
 * after the run's year (`asOfYear`) when the source id names no year, is a projection.
 */
export function normalizeTidyProduction(
  csv: CsvFile,
  countries: readonly CountryRow[],
  asOfYear: number,
): Normalized<ProductionRow> {
  requireColumns(csv, TIDY_COLUMNS);
  const geos = new Set(countries.map((c) => c.iso3));
  const checked = normalizeRows<RowWithoutFlag>(production.name, originsOf(csv), ({ raw }) => {
    if (/UNVERIFIED/.test(raw.note)) throw new RowProblem(UNVERIFIED_REASON);
    const sector = sectorOfDataset(required(raw, 'dataset'));
    const indicator = required(raw, 'indicator');
    const measure = canonicalMeasure(indicator);
    const period = raw.year.trim();
    const year = periodEndYear(period);
    const qualifier = orNull(raw.qualifier);
    const sourceId = required(raw, 'source_id');
    const v = canonicalValue(parseValue(raw.value, qualifier === 'W'), required(raw, 'unit'));
    return {
      source: BUNDLED_SOURCE,
      sector,
      commodity: commodityOf(sector, indicator),
      stage: stageOfMeasure(measure),
      measure,
      geo_iso3: knownGeo(geos, required(raw, 'geo')),
      geo_name: required(raw, 'geo_name'),
      period,
      year,
      value: v.value,
      unit: v.unit,
      unit_detail: v.unitDetail,
      qualifier,
      is_projection: isProjection(measure, year, Math.min(publicationYear(sourceId) ?? asOfYear, asOfYear)),
      source_id: sourceId,
      note: joinNotes(orNull(raw.note), v.conversion),
    };
  });
  return { candidates: withAggregateFlag(countries, checked.candidates), rejects: checked.rejects };
}

/** `owner/repo@<commit>:data/audit/<chapter>/data.json` */
const SOURCE_PATH = /^([^@\s]+)@([0-9a-f]{7,40}):(data\/audit\/([^/]+)\/data\.json)$/;

function usgsChapter(raw: Record<string, string>) {
  const path = SOURCE_PATH.exec(required(raw, 'source_path'));
  const chapter = path ? USGS_CHAPTERS[path[4]] : undefined;
  if (!path || !chapter) {
    throw new RowProblem(
      `source_path "${raw.source_path}" names no known MCS chapter (${Object.keys(USGS_CHAPTERS).join(', ')})`,
    );
  }
  const edition = /MCS (\d{4})/.exec(required(raw, 'edition'));
  if (!edition) throw new RowProblem(`edition "${raw.edition}" does not name an MCS year`);
  const editionYear = Number(edition[1]);
  return {
    ...chapter,
    editionYear,
    sourceId: `USGS_MCS${editionYear}_${chapter.code}`,
    repo: path[1],
    commit: path[2],
    file: path[3],
  };
}

/** Rows without an ISO3 are the table's totals: recognised by their wording, anything else is rejected. */
function usgsGeo(geos: ReadonlySet<string>, iso3: string, country: string): string {
  if (iso3 !== '') return knownGeo(geos, iso3);
  if (/^world total/i.test(country)) return 'WLD';
  if (/^other( countries)?$/i.test(country)) return 'OTH';
  throw new RowProblem(`iso3 is empty and country "${country}" is neither a world total nor "Other countries"`);
}

/** The USGS MCS world-production extract → production rows (measure from its `table` column). */
export function normalizeUsgsProduction(csv: CsvFile, countries: readonly CountryRow[]): Normalized<ProductionRow> {
  requireColumns(csv, USGS_COLUMNS);
  const geos = new Set(countries.map((c) => c.iso3));
  const checked = normalizeRows<RowWithoutFlag>(production.name, originsOf(csv), ({ raw }) => {
    const chapter = usgsChapter(raw);
    const table = required(raw, 'table');
    const measure = USGS_TABLE_MEASURES[table];
    if (!measure)
      throw new RowProblem(
        `USGS table "${table}" has no measure; add it to USGS_TABLE_MEASURES in src/core/ingest/production-rules.ts`,
      );
    const country = required(raw, 'country');
    const period = required(raw, 'year');
    const year = periodEndYear(period);
    const withheld = raw.raw_value.trim() === 'W';
    const v = canonicalValue(parseValue(raw.value, withheld), required(raw, 'unit'));
    return {
      source: BUNDLED_SOURCE,
      sector: chapter.sector,
      commodity: chapter.commodity,
      stage: stageOfMeasure(measure),
      measure,
      geo_iso3: usgsGeo(geos, raw.iso3.trim(), country),
      geo_name: country,
      period,
      year,
      value: v.value,
      unit: v.unit,
      unit_detail: v.unitDetail,
      qualifier: withheld ? 'W' : raw.estimated.trim() === 'true' ? 'e' : null,
      is_projection: isProjection(measure, year, chapter.editionYear),
      source_id: chapter.sourceId,
      note: joinNotes(
        orNull(raw.note),
        raw.raw_value.trim() === '—' ? "USGS '—' (zero) stored as 0" : null,
        v.conversion,
      ),
    };
  });
  return { candidates: withAggregateFlag(countries, checked.candidates), rejects: checked.rejects };
}

/**
 * Citations for the MCS chapters of the USGS extract, built only from the file's own edition,
 * commodity and source_path (ingest adds them for chapters SOURCES.md does not list, e.g. gallium).
 * Each is tied to the chapter's first row and counted as derived, not read.
 */
export function usgsCitations(csv: CsvFile): Candidate<SourceRow>[] {
  const citations = new Map<string, Candidate<SourceRow>>();
  for (const origin of originsOf(csv)) {
    const { raw } = origin;
    let chapter: ReturnType<typeof usgsChapter>;
    try {
      chapter = usgsChapter(raw);
    } catch (e) {
      if (e instanceof RowProblem) continue; // that row is rejected by normalizeUsgsProduction
      throw e;
    }
    if (citations.has(chapter.sourceId)) continue;
    const row: SourceRow = {
      source: BUNDLED_SOURCE,
      source_id: chapter.sourceId,
      topic: 'USGS world production',
      citation: `USGS, ${raw.edition.trim()}, "${raw.commodity.trim()}"`,
      url: null,
      where_seen: `GitHub ${chapter.repo} ${chapter.file} (commit ${chapter.commit}), as extracted in ${csv.file}`,
      is_secondary: false,
      licence: null,
    };
    citations.set(chapter.sourceId, { table: sources.name, origin, row, derived: true });
  }
  return [...citations.values()];
}
