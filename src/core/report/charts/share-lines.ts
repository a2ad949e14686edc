import type { ConcentrationRow, DependencyRow } from '../../../../data-schemas/index.ts';
import { readShare } from '../format.ts';
import type { TopLevelSpec } from 'vega-lite';
import type { ChartDef, ChartRow, ChartSource } from './chart.ts';
import { baseSpec, shareAxis, wrappedLegendLabels, yearAxis } from './theme.ts';
import { breakAtMissingYears, yearSpan } from './year-gaps.ts';

/** One line per measure; the label says what is in the group, from the partner_groups table. */
export interface ShareSeries {
  key: 'cr1' | 'china_share' | 'china_hkg_share' | 'ally_share' | 'covered_share';
  label: string;
  /** First year the group is defined (partner_groups.valid_from); earlier years are not drawn, because the metric is 0 there by construction, not by trade. */
  validFrom: number | null;
}

export interface ShareLinesInput {
  id: string;
  productLabel: string;
  hs6: string;
  concentration: readonly Pick<ConcentrationRow, 'year' | 'cr1'>[];
  dependency: readonly Pick<DependencyRow, 'year' | Exclude<ShareSeries['key'], 'cr1'>>[];
  series: ShareSeries[];
  sources: ChartSource[];
  /** A trade year as the takeaway says it (the latest annual year is "2025 (provisional)"). */
  yearText(year: number): string;
}

/** Fixed per measure (not per country): these lines mean the same on every product page. */
const SERIES_STYLE: Record<ShareSeries['key'], { colour: string; dash: number[] }> = {
  cr1: { colour: 'currentColor', dash: [2, 2] },
  china_share: { colour: '#D55E00', dash: [] },
  china_hkg_share: { colour: '#D55E00', dash: [6, 3] },
  ally_share: { colour: '#0072B2', dash: [] },
  covered_share: { colour: '#CC79A7', dash: [6, 3] },
};

/**
 * The shares that answer "how exposed?": the top supplier's share (CR1), China alone, China with
 * Hong Kong and Macao, the allies named in the seed article, and the US covered nations.
 */
export function shareLinesChart(input: ShareLinesInput): ChartDef {
  const rows: ChartRow[] = [];
  const byYear = new Map(input.dependency.map((d) => [d.year, d]));
  for (const c of input.concentration) {
    const d = byYear.get(c.year);
    for (const s of input.series) {
      const share = s.key === 'cr1' ? c.cr1 : d?.[s.key];
      if (share !== undefined && (s.validFrom === null || c.year >= s.validFrom))
        rows.push({ year: c.year, measure: s.label, share });
    }
  }
  const series = (key: ShareSeries['key']) => input.series.find((s) => s.key === key)!;
  const span = (key: ShareSeries['key']) => {
    const drawn = rows.filter((r) => r.measure === series(key).label);
    const [a, b] = [drawn[0], drawn.at(-1)];
    return a && b
      ? `${series(key).label}: ${readShare(Number(a.share))} in ${input.yearText(Number(a.year))}, ${readShare(Number(b.share))} in ${input.yearText(Number(b.year))}`
      : '';
  };
  const takeaway =
    input.dependency.length > 0
      ? `${[span('china_share'), span('ally_share')].filter((t) => t).join('; ')}.`
      : 'No dependency rows for this product.';
  const title = 'Who supplies US imports';
  const subtitle = `${input.productLabel} (HS ${input.hs6}), share of US imports by value`;
  const description = `Line chart of shares of US imports of ${input.productLabel} (HS ${input.hs6}) per year, from 0 to 100 percent: ${input.series.map((s) => s.label).join('; ')}.`;

  return {
    id: input.id,
    title,
    description,
    takeaway,
    sources: input.sources,
    tables: ['concentration', 'dependency'],
    columns: ['year', 'measure', 'share'],
    rows,
    countries: [],
    spec: (_colours, size) =>
      measureLinesSpec(
        baseSpec(title, subtitle, description, size),
        rows,
        input.series.map((s) => ({ label: s.label, ...SERIES_STYLE[s.key] })),
      ),
  };
}

/** One line of a share chart: its legend label, colour and dash (fixed per measure, never per country). */
export interface MeasureLine {
  label: string;
  colour: string;
  dash: number[];
}

/**
 * Shares over years, one line per measure, on a fixed 0–100 % axis: rows are `{ year, measure, share }`
 * with `measure` one of the lines' labels. A year a measure has no row for is a gap in its line, not a zero
 * and not a straight line across.
 */
export function measureLinesSpec(
  base: ReturnType<typeof baseSpec>,
  rows: readonly ChartRow[],
  lines: readonly MeasureLine[],
): TopLevelSpec {
  const domain = lines.map((l) => l.label);
  return {
    ...base,
    data: { values: breakAtMissingYears(rows, (r) => String(r.measure), 'share') },
    mark: { type: 'line', point: true },
    encoding: {
      x: {
        field: 'year',
        type: 'ordinal',
        scale: { domain: yearSpan(rows.map((r) => Number(r.year))) },
        axis: yearAxis,
      },
      y: { field: 'share', type: 'quantitative', scale: { domain: [0, 1] }, axis: shareAxis },
      color: {
        field: 'measure',
        type: 'nominal',
        title: null,
        scale: { domain, range: lines.map((l) => l.colour) },
        legend: {
          orient: 'bottom',
          columns: 1,
          symbolType: 'stroke',
          symbolStrokeWidth: 2.5,
          ...wrappedLegendLabels(domain, base.config.legend.labelLimit),
        },
      },
      strokeDash: { field: 'measure', type: 'nominal', scale: { domain, range: lines.map((l) => l.dash) } },
    },
  };
}
