import type { ProductionRow } from '../../../data-schemas/index.ts';
import { formatPeriod, formatPublished, formatShare } from './format.ts';
import type { SiteModel } from './model.ts';
import { paths } from './paths.ts';
import { worldShareSeries } from './production-series.ts';
import { seriesName } from './sectors.ts';

/** One number on the overview: its exact value, how it is shown, when it applies, and its source. */
interface HeadlineFigure {
  value: number;
  display: string;
  when: string;
  sourceIds: string[];
  /** Extra words after the figure ("incl. Hong Kong and Macao"). */
  qualifier?: string;
}

export interface Headline {
  id: string;
  label: string;
  sector: string;
  figures: HeadlineFigure[];
  /** How the figure was obtained, in words (shown small under it). */
  method: string;
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

const publishedFigure = (r: ProductionRow): HeadlineFigure => ({
  value: r.value as number,
  display: formatPublished(r.value, r.unit, r.qualifier),
  when: formatPeriod(r.period),
  sourceIds: [r.source_id],
});

/** The seed article's semiconductor claims as the data has them: first and last observation of each selected series. */
export function seedHeadlines(model: SiteModel): Headline[] {
  return SEED_FIGURES.map((sel) => {
    const rows = model.data.production
      .filter(
        (r) =>
          r.measure === sel.measure &&
          r.geo_iso3 === sel.geo &&
          r.source_id === sel.sourceId &&
          r.value !== null &&
          !r.is_projection,
      )
      .filter((r) => sel.period === null || r.period === sel.period)
      .sort((a, b) => (a.year ?? 0) - (b.year ?? 0) || a.period.localeCompare(b.period));
    const ends = rows.length > 1 ? [rows[0], rows.at(-1)!] : rows;
    const sector = rows[0]?.sector ?? 'semiconductors';
    return {
      id: sel.id,
      label: sel.label,
      sector,
      figures: ends.map(publishedFigure),
      method: `Published figure (${sel.measure}), as the source states it.`,
      href: paths.sector(sector),
    };
  });
}

/**
 * Figures computed for one sector:
 * - for each mining or refining series, China's share of world output in the series' latest year
 *   (from production_shares; the newest source when editions overlap), and the largest producer
 *   when that is not China;
 * - China's share of US imports of the sector's basket in the latest trade year, value-weighted over
 *   the basket's HS6 products (Σ china_share × total / Σ total over the dependency rows).
 */
export function sectorHeadlines(model: SiteModel, sector: string): Headline[] {
  const out: Headline[] = [];
  const { groups } = worldShareSeries(model.data.productionShares, sector);
  for (const { commodity, measure, rows } of groups.filter((g) => g.stage === 'mining' || g.stage === 'refining')) {
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
        display: formatShare(china.share),
        when: String(year),
        sourceIds: [sourceId],
        qualifier: 'China',
      });
    if (leader && leader.geo_iso3 !== 'CHN') {
      figures.push({
        value: leader.share,
        display: formatShare(leader.share),
        when: String(year),
        sourceIds: [sourceId],
        qualifier: `${leader.geo_name}, the largest producer`,
      });
    }
    if (figures.length === 0) continue;
    out.push({
      id: `${sector}-${commodity}-${measure}`,
      label: `Share of world ${seriesName(commodity, measure).toLowerCase()}`,
      sector,
      figures,
      method: 'Country value divided by the sum over countries (production_shares).',
      href: paths.sector(sector),
    });
  }

  const products = model.productsOf(sector);
  const dependency = products.flatMap((p) => model.metricsOf(p.hs6).dependency);
  if (dependency.length > 0) {
    const year = Math.max(...dependency.map((d) => d.year));
    const cell = dependency.filter((d) => d.year === year);
    const total = cell.reduce((s, d) => s + d.total_value_usd, 0);
    const weighted = (key: 'china_share' | 'china_hkg_share') =>
      cell.reduce((s, d) => s + d[key] * d.total_value_usd, 0) / total;
    const sourceIds = [...new Set(products.flatMap((p) => model.metricsOf(p.hs6).sourceIds))].sort();
    out.push({
      id: `${sector}-us-imports-china`,
      label: `China’s share of US imports of the ${model.sectors.find((s) => s.id === sector)?.label.toLowerCase() ?? sector} basket (${cell.length} HS6 product${cell.length === 1 ? '' : 's'})`,
      sector,
      figures: [
        {
          value: weighted('china_share'),
          display: formatShare(weighted('china_share')),
          when: String(year),
          sourceIds,
          qualifier: 'China',
        },
        {
          value: weighted('china_hkg_share'),
          display: formatShare(weighted('china_hkg_share')),
          when: String(year),
          sourceIds,
          qualifier: 'incl. Hong Kong and Macao',
        },
      ],
      method: 'Value-weighted over the basket’s HS6 products: Σ share × imports / Σ imports (dependency table).',
      href: paths.sector(sector),
    });
  }
  return out;
}
