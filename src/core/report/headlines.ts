import type { ProductionRow } from '../../../data-schemas/index.ts';
import type { QueryEngine } from '../seams/query-engine.ts';
import { formatPeriod, formatPublished, readShare } from './format.ts';
import { queryRows } from './page-data.ts';
import type { Product } from './pages/product.ts';
import { paths } from './paths.ts';
import type { ShareSeriesGroup } from './production-series.ts';
import { seriesName } from './sectors.ts';

/** One number on the overview: its exact value, how it is shown, when it applies, and its source. */
interface HeadlineFigure {
  value: number;
  display: string;
  when: string;
  sourceIds: string[];
  /** Extra words after the figure ("incl. Hong Kong and Macao"). */
  qualifier?: string;
  /** How firm the figure is, shown after its period: "est." (a source estimate) or "provisional" (the latest trade year). */
  mark?: 'est.' | 'provisional';
}

export interface Headline {
  id: string;
  label: string;
  sector: string;
  figures: HeadlineFigure[];
  /** How the figure was obtained, in words (shown small under it). */
  method: string;
  /** What the figure does not say that would change a reader's conclusion (shown under it). */
  caveat?: string;
  href: string;
}

/**
 * The seed article's chip figures, picked from the production table by what they are (measure,
 * geography, source, period), never typed in: if the lake changes, the headline changes.
 */
const SEED_FIGURES = [
  {
    id: 'us-fab-capacity',
    label: 'US share of world chip manufacturing capacity',
    measure: 'fab_capacity_share',
    geo: 'USA',
    sourceId: 'BCG_2020_WEB',
    period: null,
  },
  {
    id: 'taiwan-wafer-capacity',
    label: 'Taiwan’s share of world installed wafer capacity',
    measure: 'wafer_capacity_share_icinsights',
    geo: 'TWN',
    sourceId: 'DIGITIMES_2020',
    period: '2019-12',
  },
] as const;

type SeriesRow = Pick<ProductionRow, 'sector' | 'period' | 'year' | 'value' | 'unit' | 'qualifier' | 'source_id'>;

const publishedFigure = (r: SeriesRow): HeadlineFigure => ({
  value: r.value as number,
  display: formatPublished(r.value, r.unit, r.qualifier, 'reading'),
  when: formatPeriod(r.period),
  sourceIds: [r.source_id],
});

/** The seed article's semiconductor claims as the data has them: first and last observation of each selected series (sql/report/headline_series.sql). */
export async function seedHeadlines(engine: QueryEngine): Promise<Headline[]> {
  return Promise.all(
    SEED_FIGURES.map(async (sel) => {
      const rows = await queryRows<SeriesRow>(engine, 'headline_series', {
        measure: sel.measure,
        geo: sel.geo,
        source_id: sel.sourceId,
        period: sel.period,
      });
      const ends = rows.length > 1 ? [rows[0], rows.at(-1)!] : rows;
      const sector = rows[0]?.sector ?? 'semiconductors';
      return {
        id: sel.id,
        label: sel.label,
        sector,
        figures: ends.map(publishedFigure),
        method: 'Published figure, as the source states it.',
        href: paths.sector(sector),
      };
    }),
  );
}

/**
 * A mining or refining series of a sector: China's share of world output in the series' latest year
 * (from production_shares; the newest source when editions overlap), and the largest producer when
 * that is not China. None when the latest year has neither. A mine-output figure for a commodity
 * the lake has no refining series of says so: who mines an ore is not who refines it.
 */
export function worldShareHeadline(
  sector: string,
  { commodity, measure, stage, rows }: ShareSeriesGroup,
  hasRefiningSeries: boolean,
): Headline | null {
  const year = Math.max(...rows.map((r) => r.year));
  const sourceId = rows
    .filter((r) => r.year === year)
    .map((r) => r.source_id)
    .sort()
    .at(-1)!;
  const cell = rows
    .filter((r) => r.year === year && r.source_id === sourceId)
    .sort((a, b) => b.share - a.share || a.geo_iso3.localeCompare(b.geo_iso3));
  const china = cell.find((r) => r.geo_iso3 === 'CHN');
  const leader = cell[0];
  const figures: HeadlineFigure[] = [];
  if (china)
    figures.push({
      value: china.share,
      display: readShare(china.share),
      when: String(year),
      sourceIds: [sourceId],
      qualifier: 'China',
      ...(china.is_estimate ? { mark: 'est.' as const } : {}),
    });
  if (leader && leader.geo_iso3 !== 'CHN') {
    figures.push({
      value: leader.share,
      display: readShare(leader.share),
      when: String(year),
      sourceIds: [sourceId],
      qualifier: `${leader.geo_name}, the largest producer`,
      ...(leader.is_estimate ? { mark: 'est.' as const } : {}),
    });
  }
  if (figures.length === 0) return null;
  return {
    id: `${sector}-${commodity}-${measure}`,
    label: `Share of world ${seriesName(commodity, measure).toLowerCase()}`,
    sector,
    figures,
    method: 'Each country’s output divided by the sum over the countries the source lists.',
    ...(stage === 'mining' && !hasRefiningSeries
      ? {
          caveat: `Mine output only: ore is often refined in another country than the one that mines it, and these data hold no ${seriesName(commodity, 'refining').toLowerCase()} figures, so this share says nothing about who refines ${commodity.replace(/_/g, ' ')}.`,
        }
      : {}),
    href: paths.sector(sector),
  };
}

/**
 * China's share of US imports of a sector's basket in the latest trade year, value-weighted over the
 * basket's HS6 products (Σ china_share × total / Σ total over the products' rows of that year).
 * A product's latest year is the sector's latest year exactly when it has a row for it.
 */
export function importsHeadline(
  sector: { id: string; label: string },
  products: readonly Product[],
  provisionalYear: number | null,
): Headline | null {
  const latest = products.flatMap((p) => (p.latest?.has_dependency ? [{ ...p.latest, hs6: p.hs6 }] : []));
  if (latest.length === 0) return null;
  const year = Math.max(...latest.map((d) => d.year));
  const cell = latest.filter((d) => d.year === year);
  const total = cell.reduce((s, d) => s + d.total_value_usd, 0);
  const weighted = (key: 'china_share' | 'china_hkg_share') =>
    cell.reduce((s, d) => s + (d[key] as number) * d.total_value_usd, 0) / total;
  const sourceIds = [...new Set(products.flatMap((p) => p.sourceIds))].sort();
  const mark = year === provisionalYear ? { mark: 'provisional' as const } : {};
  return {
    id: `${sector.id}-us-imports-china`,
    label: `China’s share of US imports of the ${sector.label.toLowerCase()} sector basket (${cell.length} HS6 product${cell.length === 1 ? '' : 's'}: HS ${cell
      .map((d) => d.hs6)
      .sort()
      .join(', ')})`,
    sector: sector.id,
    figures: [
      {
        value: weighted('china_share'),
        display: readShare(weighted('china_share')),
        when: String(year),
        sourceIds,
        qualifier: 'China',
        ...mark,
      },
      {
        value: weighted('china_hkg_share'),
        display: readShare(weighted('china_hkg_share')),
        when: String(year),
        sourceIds,
        qualifier: 'incl. Hong Kong and Macao',
        ...mark,
      },
    ],
    method: 'Value-weighted over the basket’s HS6 products: Σ share × imports / Σ imports.',
    href: paths.sector(sector.id),
  };
}
