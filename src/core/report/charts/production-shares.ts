import type { ProductionShareRow } from '../../../../data-schemas/index.ts';
import { estimatedYear, readShare } from '../format.ts';
import type { ChartDef, ChartRow } from './chart.ts';
import { colourOf } from './palette.ts';
import { baseSpec, shareAxis, wrappedLegendLabels } from './theme.ts';
import { breakAtMissingYears } from './year-gaps.ts';

export interface ProductionSharesInput {
  id: string;
  /** "Rare earths: mine production" */
  subject: string;
  /**
   * production_shares rows of one commodity: one measure, or several measures of the same quantity
   * (fab and wafer capacity) drawn together; may span several sources. Each source and measure stays
   * its own series.
   */
  rows: readonly ProductionShareRow[];
  maxGeos: number;
  /** A source's short citation, for the legend and the takeaway (readers never see a source id). */
  sourceName(sourceId: string): string;
  /** A measure in words ("Chips wafer capacity (IC Insights)"): named beside its source when a chart draws several measures. */
  measureName?(measure: string): string;
}

const SOURCE_DASHES = [[], [6, 3], [2, 2], [8, 3, 2, 3], [1, 4]];
const SOURCE_SHAPES = ['circle', 'square', 'triangle-up', 'diamond', 'cross', 'triangle-down', 'triangle-left'];

/** One series of a share chart: a source's figures for one measure (two measures or sources never join). */
const shareSeriesOf = (r: Pick<ProductionShareRow, 'source_id' | 'measure'>): string => `${r.source_id}|${r.measure}`;

/**
 * A mark's hover text and spoken description, in words: the year with "(est.)" when the source
 * estimated it, the share, the country and the source (`sourceExpr`: a Vega expression naming the
 * row's source). Computed in the spec from the row's own fields, so the drawn rows stay the CSV's.
 */
export const shareMarkLabel = (sourceExpr: string) => ({
  calculate: `'Year: ' + datum.year + (datum.is_estimate ? ' (est.)' : '') + '; Share: ' + format(datum.share, '.0%') + '; Country: ' + datum.geo_name + '; Source: ' + ${sourceExpr}`,
  as: 'mark_label',
});

/**
 * The year axis' labels: a year whose every drawn figure is a source estimate reads "2025 (est.)". A year
 * that one source estimates and another does not keeps its plain label; its marks and table say which.
 */
function estimatedYearsAxis(rows: readonly Pick<ProductionShareRow, 'year' | 'is_estimate'>[]) {
  const years = [...new Set(rows.map((r) => r.year))];
  const estimated = years.filter((y) => rows.every((r) => r.year !== y || r.is_estimate)).sort((a, b) => a - b);
  return estimated.length > 0
    ? { labelExpr: `indexof(${JSON.stringify(estimated)}, datum.value) >= 0 ? datum.label + ' (est.)' : datum.label` }
    : {};
}

/**
 * Share of world production or capacity over time for the leading countries. A line is one country
 * in one source (and measure): sources and measures are never joined into one series, because their
 * bases differ (and a newer edition revises an older one); the dash pattern and the point shape tell
 * them apart, and a line breaks where a year has no figure.
 */
export function productionSharesChart(input: ProductionSharesInput): ChartDef {
  const maxShare = new Map<string, number>();
  for (const r of input.rows) maxShare.set(r.geo_iso3, Math.max(maxShare.get(r.geo_iso3) ?? 0, r.share));
  const geos = [...maxShare.keys()]
    .sort((a, b) => maxShare.get(b)! - maxShare.get(a)! || (a < b ? -1 : 1))
    .slice(0, input.maxGeos);
  const names = new Map(input.rows.map((r) => [r.geo_iso3, r.geo_name]));
  const measures = [...new Set(input.rows.map((r) => r.measure))].sort();
  const manyMeasures = measures.length > 1;
  const seriesIds = [...new Set(input.rows.map(shareSeriesOf))].sort();
  // A source is named alone unless it gives several of the chart's measures.
  const measuresOfSource = (sourceId: string) =>
    new Set(input.rows.filter((r) => r.source_id === sourceId).map((r) => r.measure));
  const seriesLabel = (r: Pick<ProductionShareRow, 'source_id' | 'measure'>): string =>
    measuresOfSource(r.source_id).size > 1 && input.measureName
      ? `${input.sourceName(r.source_id)} (${input.measureName(r.measure)})`
      : input.sourceName(r.source_id);
  const rows: ChartRow[] = input.rows
    .filter((r) => geos.includes(r.geo_iso3))
    .sort(
      (a, b) =>
        geos.indexOf(a.geo_iso3) - geos.indexOf(b.geo_iso3) ||
        shareSeriesOf(a).localeCompare(shareSeriesOf(b)) ||
        a.year - b.year,
    )
    .map((r) => ({
      year: r.year,
      geo_iso3: r.geo_iso3,
      geo_name: names.get(r.geo_iso3)!,
      ...(manyMeasures ? { measure: r.measure, series: input.measureName?.(r.measure) ?? r.measure } : {}),
      source_id: r.source_id,
      source: seriesLabel(r),
      share: r.share,
      is_estimate: r.is_estimate,
    }));
  const seriesLabels = seriesIds.map((id) => {
    const [source_id, measure] = id.split('|');
    return seriesLabel({ source_id, measure });
  });

  const latestYear = Math.max(...input.rows.map((r) => r.year));
  const { leader, compared } = largestInOneSource(input.rows.filter((r) => r.year === latestYear));
  const leaderSeries = input.rows
    .filter((r) => r.geo_iso3 === leader.geo_iso3 && shareSeriesOf(r) === shareSeriesOf(leader))
    .sort((a, b) => a.year - b.year);
  const start = leaderSeries[0];
  const since = start.year === leader.year ? '' : `, against ${readShare(start.share)} in ${start.year}`;
  const leaderYear = estimatedYear(leader.year, leader.is_estimate);
  const takeaway =
    compared > 1
      ? `${leader.geo_name} held the largest share in ${leaderYear} of the ${compared} countries ${seriesLabel(leader)} gives: ${readShare(leader.share)}${since}.`
      : `${leader.geo_name}: ${readShare(leader.share)} in ${leaderYear}${since} (${seriesLabel(leader)}, the only country it gives for that year).`;
  const title = `${input.subject}: share of world`;
  const geoCount = maxShare.size;
  const subtitle = `${geoCount > geos.length ? `Largest ${geos.length} of ${geoCount} countries` : `All ${geoCount} countries with a figure`}; one line per country and source${manyMeasures ? ', points where a source gives a year' : ''}`;
  const description = `Line chart of the share of world ${input.subject.toLowerCase()} held by ${geos.map((g) => names.get(g)).join(', ')}, by year, one line per country and source${manyMeasures ? `, of ${measures.length} measures: ${measures.map((m) => input.measureName?.(m) ?? m).join('; ')}` : ''}.`;

  const sourceLegend = (legendLabelLimit: number) =>
    seriesIds.length > 1
      ? {
          orient: 'bottom' as const,
          columns: 1,
          symbolFillColor: 'currentColor',
          symbolStrokeColor: 'transparent',
          ...wrappedLegendLabels(seriesLabels, legendLabelLimit),
        }
      : null;

  return {
    id: input.id,
    title,
    description,
    takeaway,
    sources: [...new Set(input.rows.map((r) => r.source_id))].sort().map((sourceId) => ({
      sourceId,
      years: input.rows.filter((r) => r.source_id === sourceId).map((r) => r.year),
    })),
    tables: ['production_shares'],
    columns: [
      'year',
      'geo_iso3',
      'geo_name',
      ...(manyMeasures ? ['measure', 'series'] : []),
      'source_id',
      'source',
      'share',
      'is_estimate',
    ],
    rows,
    countries: geos,
    spec: (colours, size) => ({
      ...baseSpec(title, subtitle, description, size),
      data: { values: breakAtMissingYears(rows, (r) => `${r.geo_iso3}|${r.source_id}|${r.measure ?? ''}`, 'share') },
      transform: [shareMarkLabel('datum.source')],
      mark: { type: 'line', point: true },
      encoding: {
        x: {
          field: 'year',
          type: 'quantitative',
          scale: { zero: false, nice: false, padding: 12 },
          axis: { format: 'd', tickMinStep: 1, title: null, ...estimatedYearsAxis(input.rows) },
        },
        y: { field: 'share', type: 'quantitative', scale: { domain: [0, 1] }, axis: shareAxis },
        color: {
          field: 'geo_name',
          type: 'nominal',
          title: null,
          scale: { domain: geos.map((g) => names.get(g)!), range: geos.map((g) => colourOf(colours, g)) },
          legend: { orient: 'bottom', columns: size.legendColumns },
        },
        // Dash and point shape both tell series apart (a single point has no dash); one merged legend shows the shapes.
        strokeDash: {
          field: 'source',
          type: 'nominal',
          title: 'Source',
          scale: { domain: seriesLabels, range: seriesIds.map((_, i) => SOURCE_DASHES[i % SOURCE_DASHES.length]) },
          legend: sourceLegend(size.legendLabelLimit),
        },
        shape: {
          field: 'source',
          type: 'nominal',
          title: 'Source',
          scale: { domain: seriesLabels, range: seriesIds.map((_, i) => SOURCE_SHAPES[i % SOURCE_SHAPES.length]) },
          legend: sourceLegend(size.legendLabelLimit),
        },
        description: { field: 'mark_label' },
      },
    }),
  };
}

/**
 * The largest share among figures of one source (and measure) for one year: shares from different
 * sources have different bases, so "largest" never compares across them. The series that gives the
 * most countries (then the first by source id) is the one compared. `rows` are one year's.
 */
export function largestInOneSource(rows: readonly ProductionShareRow[]): {
  leader: ProductionShareRow;
  compared: number;
} {
  const bySeries = new Map<string, ProductionShareRow[]>();
  for (const r of rows) bySeries.set(shareSeriesOf(r), [...(bySeries.get(shareSeriesOf(r)) ?? []), r]);
  const [, chosen] = [...bySeries].sort(([a, ra], [b, rb]) => rb.length - ra.length || a.localeCompare(b))[0];
  const leader = [...chosen].sort((a, b) => b.share - a.share || a.geo_iso3.localeCompare(b.geo_iso3))[0];
  return { leader, compared: chosen.length };
}
