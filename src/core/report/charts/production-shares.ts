import type { ProductionShareRow } from '../../../../data-schemas/index.ts';
import { readShare } from '../format.ts';
import type { ChartDef, ChartRow } from './chart.ts';
import { colourOf } from './palette.ts';
import { baseSpec, shareAxis } from './theme.ts';
import { breakAtMissingYears } from './year-gaps.ts';

export interface ProductionSharesInput {
  id: string;
  /** "Rare earths: mine production" */
  subject: string;
  /** production_shares rows of one commodity and measure; may span several sources. */
  rows: readonly ProductionShareRow[];
  maxGeos: number;
  /** A source's short citation, for the legend and the takeaway (readers never see a source id). */
  sourceName(sourceId: string): string;
}

const SOURCE_DASHES = [[], [6, 3], [2, 2], [8, 3, 2, 3], [1, 4]];
const SOURCE_SHAPES = ['circle', 'square', 'triangle-up', 'diamond', 'cross'];

/**
 * Share of world production or capacity over time for the leading countries. A line is one country
 * in one source: sources and measures are never joined into one series, because their bases differ
 * (and a newer edition revises an older one); the dash pattern tells the sources apart.
 */
export function productionSharesChart(input: ProductionSharesInput): ChartDef {
  const maxShare = new Map<string, number>();
  for (const r of input.rows) maxShare.set(r.geo_iso3, Math.max(maxShare.get(r.geo_iso3) ?? 0, r.share));
  const geos = [...maxShare.keys()]
    .sort((a, b) => maxShare.get(b)! - maxShare.get(a)! || (a < b ? -1 : 1))
    .slice(0, input.maxGeos);
  const names = new Map(input.rows.map((r) => [r.geo_iso3, r.geo_name]));
  const sourceIds = [...new Set(input.rows.map((r) => r.source_id))].sort();
  const rows: ChartRow[] = input.rows
    .filter((r) => geos.includes(r.geo_iso3))
    .sort(
      (a, b) =>
        geos.indexOf(a.geo_iso3) - geos.indexOf(b.geo_iso3) ||
        a.source_id.localeCompare(b.source_id) ||
        a.year - b.year,
    )
    .map((r) => ({
      year: r.year,
      geo_iso3: r.geo_iso3,
      geo_name: names.get(r.geo_iso3)!,
      source_id: r.source_id,
      source: input.sourceName(r.source_id),
      share: r.share,
    }));
  const sourceNames = sourceIds.map(input.sourceName);

  const latestYear = Math.max(...input.rows.map((r) => r.year));
  const { leader, compared } = largestInOneSource(input.rows.filter((r) => r.year === latestYear));
  const leaderSeries = input.rows
    .filter((r) => r.geo_iso3 === leader.geo_iso3 && r.source_id === leader.source_id)
    .sort((a, b) => a.year - b.year);
  const start = leaderSeries[0];
  const since = start.year === leader.year ? '' : `, against ${readShare(start.share)} in ${start.year}`;
  const takeaway =
    compared > 1
      ? `${leader.geo_name} held the largest share in ${leader.year} of the ${compared} countries ${input.sourceName(leader.source_id)} gives: ${readShare(leader.share)}${since}.`
      : `${leader.geo_name}: ${readShare(leader.share)} in ${leader.year}${since} (${input.sourceName(leader.source_id)}, the only country it gives for that year).`;
  const title = `${input.subject}: share of world`;
  const geoCount = maxShare.size;
  const subtitle = `${geoCount > geos.length ? `Largest ${geos.length} of ${geoCount} countries` : `All ${geoCount} countries with a figure`}; one line per country and source`;
  const description = `Line chart of the share of world ${input.subject.toLowerCase()} held by ${geos.map((g) => names.get(g)).join(', ')}, by year, one line per country and source.`;

  const sourceLegend =
    sourceIds.length > 1
      ? { orient: 'bottom' as const, columns: 1, symbolFillColor: 'currentColor', symbolStrokeColor: 'transparent' }
      : null;

  return {
    id: input.id,
    title,
    description,
    takeaway,
    sources: sourceIds.map((sourceId) => ({
      sourceId,
      years: input.rows.filter((r) => r.source_id === sourceId).map((r) => r.year),
    })),
    tables: ['production_shares'],
    columns: ['year', 'geo_iso3', 'geo_name', 'source_id', 'source', 'share'],
    rows,
    countries: geos,
    spec: (colours, size) => ({
      ...baseSpec(title, subtitle, description, size),
      data: { values: breakAtMissingYears(rows, (r) => `${r.geo_iso3}|${r.source_id}`, 'share') },
      mark: { type: 'line', point: true },
      encoding: {
        x: {
          field: 'year',
          type: 'quantitative',
          scale: { zero: false, nice: false, padding: 12 },
          axis: { format: 'd', tickMinStep: 1, title: null },
        },
        y: { field: 'share', type: 'quantitative', scale: { domain: [0, 1] }, axis: shareAxis },
        color: {
          field: 'geo_name',
          type: 'nominal',
          title: null,
          scale: { domain: geos.map((g) => names.get(g)!), range: geos.map((g) => colourOf(colours, g)) },
          legend: { orient: 'bottom', columns: size.legendColumns },
        },
        // Dash and point shape both tell sources apart (a single point has no dash); one merged legend shows the shapes.
        strokeDash: {
          field: 'source',
          type: 'nominal',
          title: 'Source',
          scale: { domain: sourceNames, range: sourceIds.map((_, i) => SOURCE_DASHES[i % SOURCE_DASHES.length]) },
          legend: sourceLegend,
        },
        shape: {
          field: 'source',
          type: 'nominal',
          title: 'Source',
          scale: { domain: sourceNames, range: sourceIds.map((_, i) => SOURCE_SHAPES[i % SOURCE_SHAPES.length]) },
          legend: sourceLegend,
        },
      },
    }),
  };
}

/**
 * The largest share among figures of one source for one year: shares from different sources have
 * different bases, so "largest" never compares across them. The source that gives the most countries
 * (then the first by id) is the one compared. `rows` are one year's.
 */
export function largestInOneSource(rows: readonly ProductionShareRow[]): {
  leader: ProductionShareRow;
  compared: number;
} {
  const bySource = new Map<string, ProductionShareRow[]>();
  for (const r of rows) bySource.set(r.source_id, [...(bySource.get(r.source_id) ?? []), r]);
  const [, chosen] = [...bySource].sort(([a, ra], [b, rb]) => rb.length - ra.length || a.localeCompare(b))[0];
  const leader = [...chosen].sort((a, b) => b.share - a.share || a.geo_iso3.localeCompare(b.geo_iso3))[0];
  return { leader, compared: chosen.length };
}
