import { html, type SafeHtml } from './html.ts';

/** Number formatting for pages. The locale is fixed so builds are byte-identical on any machine. */
const LOCALE = 'en-US';

/** A 0–1 share as a percentage: 0.6912 → "69.1%". */
export const formatShare = (share: number, digits = 1): string => `${(share * 100).toFixed(digits)}%`;

/** Two significant figures, for reading: 69.4 → "69", 3.84 → "3.8", 0.62 → "0.6". */
const forReading = (x: number): string => (Math.abs(x) >= 10 ? Math.round(x).toFixed(0) : String(Number(x.toFixed(1))));

/**
 * A share rounded for reading, in headline cards and sentences: 0.694 → "69%", 0.038 → "3.8%". Tables,
 * CSVs and every figure's `<data value>` keep the exact value.
 */
// toPrecision(12) drops the float noise of × 100 (0.145 × 100 = 14.499…), so a half rounds up as written.
export const readShare = (share: number): string => `${forReading(Number((share * 100).toPrecision(12)))}%`;

/** US dollars rounded for reading: $10.20 bn → "$10 bn", $296.55 m → "$297 m", $6.75 m → "$6.8 m". */
export function readUsd(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e9) return `$${forReading(value / 1e9)} bn`;
  if (abs >= 1e6) return `$${forReading(value / 1e6)} m`;
  if (abs >= 1e3) return `$${forReading(value / 1e3)} k`;
  return `$${value.toFixed(0)}`;
}

/** HHI on the 0–1 scale with its 0–10,000 points: "0.381 (3,810 points)". */
export const formatHhi = (hhi: number): string =>
  `${hhi.toFixed(3)} (${Math.round(hhi * 10_000).toLocaleString(LOCALE)} points)`;

/** US dollars, compact: $6.08 m, $1.36 bn. */
export function formatUsd(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e9) return `$${(value / 1e9).toFixed(2)} bn`;
  if (abs >= 1e6) return `$${(value / 1e6).toFixed(2)} m`;
  if (abs >= 1e3) return `$${(value / 1e3).toFixed(1)} k`;
  return `$${value.toFixed(0)}`;
}

export const formatNumber = (value: number): string => value.toLocaleString(LOCALE, { maximumFractionDigits: 2 });

const QUALIFIER_PREFIX: Record<string, string> = { about: '≈', almost: 'almost ', '>': '>', e: '' };

/**
 * A published figure as the source gave it, in its unit: 22 percent with qualifier "about" → "≈22.0%"
 * ("≈22%" rounded for reading); 45000 t_REO with "e" → "45,000 t REO (est.)".
 */
export function formatPublished(
  value: number | null,
  unit: string,
  qualifier: string | null,
  rounding: 'exact' | 'reading' = 'exact',
): string {
  if (value === null) return qualifier === 'W' ? 'withheld' : 'n/a';
  const prefix = qualifier ? (QUALIFIER_PREFIX[qualifier] ?? '') : '';
  const suffix = qualifier === 'e' ? ' (est.)' : '';
  // Percentages read alike everywhere: one decimal in tables, as the computed shares are shown; rounded in a headline.
  if (unit.startsWith('percent'))
    return `${prefix}${rounding === 'reading' ? readShare(value / 100) : `${value.toFixed(1)}%`}${suffix}`;
  const number = formatNumber(value);
  if (unit === 'usd') return `${prefix}${formatUsd(value)}${suffix}`;
  return `${prefix}${number} ${unit.replace(/_/g, ' ')}${suffix}`;
}

/** A year as firm as its figure is: "2025 (est.)" when the source estimated it (production_shares.is_estimate). */
export const estimatedYear = (year: number, isEstimate: boolean): string =>
  isEstimate ? `${year} (est.)` : String(year);

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Source period strings made readable: "2019-12" → "Dec 2019", "2019-01/2019-07" → "Jan 2019–Jul 2019", "" → "undated". */
export function formatPeriod(period: string): string {
  if (period === '') return 'undated';
  return period
    .split('/')
    .map((p) => {
      const m = /^(\d{4})-(\d{2})$/.exec(p);
      return m ? `${MONTHS[Number(m[2]) - 1]} ${m[1]}` : p.replace(/^(\d{4})-(\d{4})$/, '$1–$2');
    })
    .join('–');
}

/** A year range label: [2018, 2025] → "2018–2025", one year → "2024". */
export function formatYears(years: readonly number[]): string {
  if (years.length === 0) return 'undated';
  const lo = Math.min(...years);
  const hi = Math.max(...years);
  return lo === hi ? String(lo) : `${lo}–${hi}`;
}

/** Years as runs: [2018, 2019, 2020, 2022] → "2018–2020, 2022". */
export function formatYearRuns(years: readonly number[]): string {
  const sorted = [...new Set(years)].sort((a, b) => a - b);
  const runs: [number, number][] = [];
  for (const y of sorted) {
    const last = runs.at(-1);
    if (last && y === last[1] + 1) last[1] = y;
    else runs.push([y, y]);
  }
  return runs.map(([a, b]) => (a === b ? String(a) : `${a}–${b}`)).join(', ');
}

/**
 * A figure shown to readers with its exact value machine-readable beside it (`<data value>`), so an
 * analyst or a test can compare the page with the metric tables without parsing rounded text.
 */
export const figureValue = (value: number, display: string): SafeHtml =>
  html`<data value="${String(value)}">${display}</data>`;
