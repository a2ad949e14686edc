import { formatUsd } from '../format.ts';
import type { ChartDef, ChartRow, ChartSource } from './chart.ts';
import { baseSpec, usdAxisLabels } from './theme.ts';

/** One month of a monthly series (product_monthly.sql). */
export interface MonthlyRow {
  year: number;
  month: number;
  value_usd: number;
  trailing_mean: number | null;
  trailing_sd: number | null;
  z_score: number | null;
  is_anomaly: boolean;
}

export interface MonthlyInput {
  id: string;
  productLabel: string;
  hs6: string;
  partnerName: string;
  months: readonly MonthlyRow[];
  sources: ChartSource[];
}

/** Months flagged lie outside mean ± this many trailing SDs (monthly_anomalies.sql: |z| > 2). */
const BAND_SDS = 2;

const monthKey = (year: number, month: number) => `${year}-${String(month).padStart(2, '0')}`;

/**
 * A monthly series with its early-warning band: each month's value, the trailing 24-month mean ± 2 SD
 * the anomaly test compares it with, and the months outside the band marked. A month without a value
 * is a row without one, so the line breaks there: a line is never drawn across missing months.
 */
export function monthlyAnomaliesChart(input: MonthlyInput): ChartDef {
  const byMonth = new Map(input.months.map((m) => [m.year * 12 + m.month - 1, m]));
  const indices = [...byMonth.keys()];
  const rows: ChartRow[] = [];
  if (indices.length > 0)
    for (let i = Math.min(...indices); i <= Math.max(...indices); i++) {
      const m = byMonth.get(i);
      const band = m?.trailing_mean != null && m.trailing_sd != null;
      rows.push({
        month: monthKey(Math.floor(i / 12), (i % 12) + 1),
        value_usd: m?.value_usd ?? null,
        trailing_mean: m?.trailing_mean ?? null,
        band_low: band ? Math.max(0, m.trailing_mean! - BAND_SDS * m.trailing_sd!) : null,
        band_high: band ? m.trailing_mean! + BAND_SDS * m.trailing_sd! : null,
        z_score: m?.z_score ?? null,
        is_anomaly: m ? m.is_anomaly : null,
      });
    }
  const flagged = input.months.filter((m) => m.is_anomaly);
  const missing = rows.filter((r) => r.value_usd === null).length;
  const takeaway =
    input.months.length === 0
      ? 'No monthly rows for this product.'
      : `${flagged.length} of ${input.months.filter((m) => m.z_score !== null).length} months with a full 24-month history lie outside the band${
          flagged.length
            ? `, the latest ${monthKey(flagged.at(-1)!.year, flagged.at(-1)!.month)} (${formatUsd(flagged.at(-1)!.value_usd)})`
            : ''
        }${missing ? `; ${missing} months have no value and are left as gaps` : ''}.`;
  const title = `Monthly US imports from ${input.partnerName}, with anomalies`;
  const subtitle = `${input.productLabel} (HS ${input.hs6}); band: trailing 24-month mean ± ${BAND_SDS} SD`;
  const description = `Monthly line and points of US imports of ${input.productLabel} (HS ${input.hs6}) from ${input.partnerName} in US dollars, with a shaded band of the trailing 24-month mean plus and minus ${BAND_SDS} standard deviations, and the months outside it marked as anomalies.`;
  const x = {
    field: 'month',
    type: 'temporal',
    timeUnit: 'utcyearmonth',
    // The hover text reads "Month: March 2024"; the axis labels only the years.
    title: 'Month',
    format: '%B %Y',
    axis: { title: null, format: '%Y', labelAngle: 0, tickCount: { interval: 'year', step: 1 } },
  } as const;
  const usd = {
    type: 'quantitative',
    axis: { title: 'US dollars', format: '$.2~s', labelExpr: usdAxisLabels },
  } as const;
  return {
    id: input.id,
    title,
    description,
    takeaway,
    sources: input.sources,
    tables: ['monthly_anomalies'],
    columns: ['month', 'value_usd', 'trailing_mean', 'band_low', 'band_high', 'z_score', 'is_anomaly'],
    rows,
    countries: [],
    spec: (_colours, size) => ({
      ...baseSpec(title, subtitle, description, size),
      data: { values: rows },
      layer: [
        {
          mark: { type: 'area', opacity: 0.18, color: '#0072B2', invalid: 'break-paths-filter-domains' },
          encoding: { x, y: { field: 'band_low', ...usd }, y2: { field: 'band_high' } },
        },
        {
          mark: { type: 'line', strokeWidth: 1.5, color: 'currentColor', invalid: 'break-paths-filter-domains' },
          encoding: { x, y: { field: 'value_usd', ...usd } },
        },
        {
          transform: [{ filter: 'datum.value_usd !== null' }],
          mark: { type: 'point', filled: true, size: 16, color: 'currentColor' },
          encoding: { x, y: { field: 'value_usd', ...usd } },
        },
        {
          transform: [{ filter: 'datum.is_anomaly === true' }],
          mark: { type: 'point', shape: 'diamond', filled: true, size: 90, color: '#D55E00' },
          encoding: { x, y: { field: 'value_usd', ...usd } },
        },
      ],
    }),
  };
}
