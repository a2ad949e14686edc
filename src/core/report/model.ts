import type { PartnerGroupRow, SourceRow } from '../../../data-schemas/index.ts';
import { InputError } from '../errors.ts';
import type { QueryEngine } from '../seams/query-engine.ts';
import { queryRows, REPORT_PARAMS } from './page-data.ts';
import type { QualityData } from './quality.ts';
import type { ReleaseSnapshot } from './release.ts';
import { SECTOR_ORDER, sectorText } from './sectors.ts';

export interface Sector {
  id: string;
  label: string;
  intro: string;
  tradeCaveat?: string;
}

/** Which release this build is and what came before it. */
interface ReleaseInfo {
  /** YYYY-MM. */
  month: string;
  /** The newest earlier release's snapshot; null for the first release. */
  previous: ReleaseSnapshot | null;
  /** Every release month, this one included, oldest first. */
  months: string[];
}

/**
 * What every page of the site shares: the release, the run history, the sectors, the citations, the
 * country names and partner groups, and how recent the data are. All of it is bounded by reference
 * data (sectors, sources, countries), never by the number of trade rows; each page's own rows come
 * from its page family's queries (page-data.ts).
 */
export interface SiteModel {
  builtAt: Date;
  release: ReleaseInfo;
  quality: QualityData;
  sectors: Sector[];
  /** Every citation row (a source id may be landed by more than one ingest source). */
  sources: SourceRow[];
  source(sourceId: string): SourceRow | undefined;
  /** A country's display name (as the supplier tables spell it, else the countries table, else the code). */
  countryName(iso3: string): string;
  /** The countries table's note on how the sources code a country (Taiwan as Comtrade partner 490), with its citation. */
  countryNote(iso3: string): { note: string; sourceId: string } | null;
  partnerGroups: PartnerGroupRow[];
  asOf: { tradeThrough: string | null; productionThrough: number | null; provisionalTradeYear: number | null };
  /** A trade year as pages show it: the latest annual year of US imports is marked "(provisional)". */
  tradeYear(year: number): string;
}

export interface ModelContext {
  builtAt: Date;
  release: ReleaseInfo;
  quality: QualityData;
}

const sectorRank = (s: string) => (SECTOR_ORDER.includes(s) ? SECTOR_ORDER.indexOf(s) : SECTOR_ORDER.length);
export const compareSectors = (a: string, b: string): number => sectorRank(a) - sectorRank(b) || a.localeCompare(b);

/** The product's sector when the basket does not list it. */
export const UNCLASSIFIED_SECTOR = String(REPORT_PARAMS.unclassified_sector);

/** YYYYMM (month 0 for an annual row) as the footer shows it: 2024, or 2024-03. */
const tradePeriod = (yyyymm: number | null): string | null =>
  yyyymm === null
    ? null
    : yyyymm % 100 === 0
      ? String(yyyymm / 100)
      : `${Math.floor(yyyymm / 100)}-${String(yyyymm % 100).padStart(2, '0')}`;

/** Ask the engine for the site's shared facts; a lake without the tables every page needs is refused. */
export async function loadModel(engine: QueryEngine, storeLocation: string, context: ModelContext): Promise<SiteModel> {
  const [tables] = await queryRows<Record<string, boolean>>(engine, 'site_tables');
  const empty = Object.keys(tables).filter((table) => !tables[table]);
  if (empty.length > 0) {
    throw new InputError(
      `The lake at ${storeLocation} has no rows in ${empty.join(', ')}; the report cannot be built.`,
      'Run the ingest and metrics steps first (chainwatch run), then build the report again.',
    );
  }
  const [sectorRows, [asOf], sources, names, partnerGroups] = await Promise.all([
    queryRows<{ sector: string }>(engine, 'site_sectors'),
    queryRows<{
      trade_through: number | null;
      production_through: number | null;
      trade_provisional_year: number | null;
    }>(engine, 'site_as_of'),
    queryRows<SourceRow>(engine, 'site_sources'),
    queryRows<{ iso3: string; name: string; note: string | null; note_source_id: string | null }>(
      engine,
      'site_country_names',
    ),
    queryRows<PartnerGroupRow>(engine, 'site_partner_groups'),
  ]);
  const sourcesById = new Map(sources.map((s) => [s.source_id, s]));
  const nameOf = new Map(names.map((n) => [n.iso3, n.name]));
  const noteOf = new Map(
    names.flatMap((n) => (n.note && n.note_source_id ? [[n.iso3, { note: n.note, sourceId: n.note_source_id }]] : [])),
  );
  return {
    ...context,
    sectors: sectorRows
      .map((r) => r.sector)
      .sort(compareSectors)
      .map((id) => ({ id, ...sectorText(id) })),
    sources,
    source: (id) => sourcesById.get(id),
    countryName: (iso3) => nameOf.get(iso3) ?? iso3,
    countryNote: (iso3) => noteOf.get(iso3) ?? null,
    partnerGroups,
    asOf: {
      tradeThrough: tradePeriod(asOf.trade_through),
      productionThrough: asOf.production_through,
      provisionalTradeYear: asOf.trade_provisional_year,
    },
    tradeYear: (year) => (year === asOf.trade_provisional_year ? `${year} (provisional)` : String(year)),
  };
}
