import type { ConcentrationRow } from '../../../../data-schemas/index.ts';
import { HHI_BANDS } from '../thresholds.ts';
import type { ChartDef, ChartRow, ChartSource } from './chart.ts';
import { baseSpec, wrappedLegendLabels, yearAxis } from './theme.ts';
import { breakAtMissingYears, yearSpan } from './year-gaps.ts';

export interface HhiLineInput {
  id: string;
  productLabel: string;
  hs6: string;
  /** concentration rows of one product (one reporter, one flow), sorted by year. */
  concentration: readonly Pick<ConcentrationRow, 'year' | 'hhi'>[];
  sources: ChartSource[];
  /** A trade year as the takeaway says it (the latest annual year is "2025 (provisional)"). */
  yearText(year: number): string;
}

const BAND_COLOURS = ['#E69F00', '#D55E00'];

/**
 * Supplier concentration (HHI on the 0–1 scale) over time, on a fixed 0–1 axis so products compare,
 * with the reference bands drawn behind the line and named in the legend.
 */
export function hhiLineChart(input: HhiLineInput): ChartDef {
  const rows: ChartRow[] = input.concentration.map((r) => ({ year: r.year, hhi: r.hhi }));
  const first = input.concentration[0];
  const last = input.concentration.at(-1);
  const band = (h: number) => [...HHI_BANDS].reverse().find((b) => h > b.from);
  const takeaway = last
    ? `HHI ${last.hhi.toFixed(3)} in ${input.yearText(last.year)}${first && first !== last ? ` (${input.yearText(first.year)}: ${first.hhi.toFixed(3)})` : ''}: ${band(last.hhi) ? `above ${band(last.hhi)!.from.toFixed(2)}, ${band(last.hhi)!.short}` : `below ${HHI_BANDS[0].from.toFixed(2)}`}; about ${(1 / last.hhi).toFixed(1)} equal-sized suppliers would give the same value.`
    : 'No concentration rows for this product.';
  const title = 'Supplier concentration of US imports (HHI)';
  const subtitle = `${input.productLabel} (HS ${input.hs6}), Herfindahl–Hirschman index on supplier shares, 0–1`;
  const description = `Line chart of the Herfindahl–Hirschman index of US imports of ${input.productLabel} (HS ${input.hs6}) by supplier country per year, on a 0 to 1 scale, with shaded bands from ${HHI_BANDS[0].from} to ${HHI_BANDS[0].to} and above ${HHI_BANDS[1].from}.`;

  return {
    id: input.id,
    title,
    description,
    takeaway,
    sources: input.sources,
    tables: ['concentration'],
    columns: ['year', 'hhi'],
    rows,
    countries: [],
    spec: (_colours, size) => ({
      ...baseSpec(title, subtitle, description, size),
      layer: [
        {
          data: { values: HHI_BANDS.map((b) => ({ band: b.legend, from: b.from, to: b.to })) },
          mark: { type: 'rect', opacity: 0.18 },
          encoding: {
            y: { field: 'from', type: 'quantitative', scale: { domain: [0, 1] } },
            y2: { field: 'to' },
            color: {
              field: 'band',
              type: 'nominal',
              title: null,
              scale: { domain: HHI_BANDS.map((b) => b.legend), range: BAND_COLOURS },
              legend: {
                orient: 'bottom',
                columns: 1,
                symbolType: 'square',
                symbolOpacity: 0.5,
                ...wrappedLegendLabels(
                  HHI_BANDS.map((b) => b.legend),
                  size.legendLabelLimit,
                ),
              },
            },
          },
        },
        {
          data: { values: breakAtMissingYears(rows, () => 'hhi', 'hhi') },
          mark: { type: 'line', point: true, color: 'currentColor' },
          encoding: {
            x: {
              field: 'year',
              type: 'ordinal',
              scale: { domain: yearSpan(input.concentration.map((r) => r.year)) },
              axis: yearAxis,
            },
            y: {
              field: 'hhi',
              type: 'quantitative',
              scale: { domain: [0, 1] },
              axis: { title: 'HHI (0–1)', format: '.2f' },
            },
          },
        },
      ],
    }),
  };
}
