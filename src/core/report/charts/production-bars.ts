import type { ProductionShareRow } from '../../../../data-schemas/index.ts';
import { estimatedYear, formatShare } from '../format.ts';
import type { ChartDef, ChartRow } from './chart.ts';
import { colourOf } from './palette.ts';
import { baseSpec, categoryAxis, shareAxis } from './theme.ts';
import { largestInOneSource, shareMarkLabel } from './production-shares.ts';

export interface ProductionBarsInput {
  id: string;
  /** "Cobalt reserves" */
  subject: string;
  /** production_shares rows of one commodity and measure, all in one year (possibly several sources). */
  rows: readonly ProductionShareRow[];
  maxGeos: number;
  /** A source's short citation (readers never see a source id). */
  sourceName(sourceId: string): string;
}

/**
 * Share of world for a single year: one bar per country (and per source when several sources give
 * that year), largest first. A line chart of one year would be a column of dots.
 */
export function productionBarsChart(input: ProductionBarsInput): ChartDef {
  const sourceIds = [...new Set(input.rows.map((r) => r.source_id))].sort();
  const multiSource = sourceIds.length > 1;
  const geoCount = new Set(input.rows.map((r) => r.geo_iso3)).size;
  // Bars of one source stay together, largest first within it: bars of two sources are not ranked against each other.
  const top = [...input.rows]
    .sort((a, b) => a.source_id.localeCompare(b.source_id) || b.share - a.share || a.geo_iso3.localeCompare(b.geo_iso3))
    .slice(0, input.maxGeos);
  const rows: ChartRow[] = top.map((r) => ({
    bar: multiSource ? `${r.geo_name} (${input.sourceName(r.source_id)})` : r.geo_name,
    geo_iso3: r.geo_iso3,
    geo_name: r.geo_name,
    source_id: r.source_id,
    year: r.year,
    share: r.share,
    is_estimate: r.is_estimate,
  }));
  const sourceNames = Object.fromEntries(sourceIds.map((id) => [id, input.sourceName(id)]));
  const year = input.rows[0].year;
  // The title's year reads "(est.)" when every figure of it is a source estimate; otherwise the bars' hover text and the table say which are.
  const yearLabel = estimatedYear(
    year,
    input.rows.every((r) => r.is_estimate),
  );
  const geos = [...new Set(top.map((r) => r.geo_iso3))];
  const names = new Map(top.map((r) => [r.geo_iso3, r.geo_name]));
  const { leader, compared } = largestInOneSource(input.rows);
  const title = `${input.subject}: share of world, ${yearLabel}`;
  const subtitle =
    geoCount > geos.length
      ? `Largest ${geos.length} of ${geoCount} countries`
      : `All ${geoCount} countries with a figure`;
  const description = `Bar chart of the share of world ${input.subject.toLowerCase()} in ${year} held by ${top.map((r) => r.geo_name).join(', ')}, largest first within each source (${sourceIds.map(input.sourceName).join('; ')}).`;

  return {
    id: input.id,
    title,
    description,
    takeaway:
      compared > 1
        ? `${leader.geo_name} held the largest share in ${estimatedYear(year, leader.is_estimate)} of the ${compared} countries ${input.sourceName(leader.source_id)} gives: ${formatShare(leader.share)}.`
        : `${leader.geo_name}: ${formatShare(leader.share)} in ${estimatedYear(year, leader.is_estimate)} (${input.sourceName(leader.source_id)}, the only country it gives for that year).`,
    sources: sourceIds.map((sourceId) => ({ sourceId, years: [year] })),
    tables: ['production_shares'],
    columns: ['bar', 'geo_iso3', 'geo_name', 'source_id', 'year', 'share', 'is_estimate'],
    rows,
    countries: geos,
    spec: (colours, size) => ({
      ...baseSpec(title, subtitle, description, size, Math.max(60, rows.length * 26)),
      data: { values: rows },
      transform: [shareMarkLabel(`${JSON.stringify(sourceNames)}[datum.source_id]`)],
      mark: { type: 'bar', height: { band: 0.75 } },
      encoding: {
        y: {
          field: 'bar',
          type: 'nominal',
          sort: null,
          axis: categoryAxis(
            rows.map((r) => String(r.bar)),
            size,
          ),
        },
        x: { field: 'share', type: 'quantitative', scale: { domain: [0, 1] }, axis: shareAxis },
        color: {
          field: 'geo_name',
          type: 'nominal',
          scale: { domain: geos.map((g) => names.get(g)!), range: geos.map((g) => colourOf(colours, g)) },
          legend: null,
        },
        description: { field: 'mark_label' },
      },
    }),
  };
}
