import { formatShare } from '../format.ts';
import type { ChartDef, ChartRow, ChartSource } from './chart.ts';
import { baseSpec, categoryAxis } from './theme.ts';

/** One exporter-year of mirror flows into the US (product_mirror_gaps.sql). */
export interface MirrorGapRow {
  year: number;
  exporter_iso3: string;
  exporter_name: string;
  import_reported_usd: number;
  export_reported_usd: number;
  gap_usd: number;
  gap_pct: number;
}

export interface MirrorGapInput {
  id: string;
  productLabel: string;
  hs6: string;
  rows: readonly MirrorGapRow[];
  sources: ChartSource[];
}

/** Year colours: two to four mirror years at most in the data; a fixed list keeps them the same on every page. */
const YEAR_COLOURS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7'];

/**
 * Mirror gaps: for each of the largest exporters, what it declares exporting to the US against what
 * the US declares importing from it, as a % of the US figure, one bar per year.
 */
export function mirrorGapChart(input: MirrorGapInput): ChartDef {
  const rows: ChartRow[] = input.rows.map((r) => ({
    exporter: r.exporter_name,
    exporter_iso3: r.exporter_iso3,
    year: r.year,
    import_reported_usd: r.import_reported_usd,
    export_reported_usd: r.export_reported_usd,
    gap_usd: r.gap_usd,
    gap_pct: r.gap_pct,
  }));
  const years = [...new Set(input.rows.map((r) => r.year))].sort((a, b) => a - b);
  const exporters = [...new Set(input.rows.map((r) => r.exporter_name))];
  const lead = input.rows[0];
  const leadYears = input.rows.filter((r) => r.exporter_iso3 === lead?.exporter_iso3);
  const signed = (v: number) => `${v >= 0 ? '+' : '−'}${formatShare(Math.abs(v))}`;
  const takeaway = lead
    ? `${lead.exporter_name} declares ${leadYears.map((r) => `${signed(r.gap_pct)} in ${r.year}`).join(' and ')} against what the US declares importing from it.`
    : 'No mirror flows for this product.';
  const title = 'Mirror gap: exporters’ figures against US figures';
  const subtitle = `${input.productLabel} (HS ${input.hs6}): exporter-reported exports minus US-reported imports, as a share of US-reported imports`;
  const description = `Bar chart of the mirror gap in percent of US-reported imports of ${input.productLabel} (HS ${input.hs6}) for ${exporters.join(', ')}, one bar per year (${years.join(', ')}).`;
  return {
    id: input.id,
    title,
    description,
    takeaway,
    sources: input.sources,
    tables: ['mirror_gaps'],
    columns: ['exporter', 'exporter_iso3', 'year', 'import_reported_usd', 'export_reported_usd', 'gap_usd', 'gap_pct'],
    rows,
    countries: [],
    spec: (_colours, size) => ({
      ...baseSpec(title, subtitle, description, size, Math.max(80, rows.length * 22)),
      data: { values: rows },
      mark: { type: 'bar' },
      encoding: {
        y: { field: 'exporter', type: 'nominal', sort: exporters, axis: categoryAxis(exporters, size) },
        yOffset: { field: 'year', type: 'nominal', sort: years },
        x: { field: 'gap_pct', type: 'quantitative', axis: { format: '+.0%', title: 'gap, % of US-reported imports' } },
        color: {
          field: 'year',
          type: 'nominal',
          title: null,
          scale: { domain: years, range: YEAR_COLOURS.slice(0, years.length) },
          legend: { orient: 'bottom', direction: 'horizontal' },
        },
      },
    }),
  };
}
