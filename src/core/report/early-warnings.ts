import { formatUsd } from './format.ts';
import { paths } from './paths.ts';

/**
 * Early warnings for the alert feeds: months of a monthly series far outside their recent history
 * (monthly_anomalies.is_anomaly) and dependency flags that became persistent (screen_persistence.
 * newly_persistent). The release snapshot keeps them; the next release alerts on the ones the
 * previous release did not have, so a reader hears of each once.
 */

/** A month of a product's monthly series as the snapshot keeps it: "YYYY-MM" → value. */
interface MonthlySeries {
  label: string;
  /** The series' last month in this release. */
  through: string;
  /** Flagged months and their value. */
  anomalies: Record<string, number>;
}

/** A framework's screen as the snapshot keeps it: its latest year and the product-years that became persistent. */
interface ScreenWatch {
  name: string;
  through: number;
  /** hs6 → { label, years it became persistent }. */
  newlyPersistent: Record<string, { label: string; years: number[] }>;
}

export interface WarningSnapshot {
  /** hs6 → the monthly series its page draws. */
  monthly: Record<string, MonthlySeries>;
  /** framework_id → its flags. */
  screens: Record<string, ScreenWatch>;
}

export const emptyWarnings = (): WarningSnapshot => ({ monthly: {}, screens: {} });

const monthKey = (year: number, month: number) => `${year}-${String(month).padStart(2, '0')}`;

/** Keep a product's monthly series: its last month and its flagged months. */
export function keepMonthly(
  warnings: WarningSnapshot,
  hs6: string,
  label: string,
  months: readonly { year: number; month: number; value_usd: number; is_anomaly: boolean }[],
): void {
  const last = months.at(-1);
  if (!last) return;
  warnings.monthly[hs6] = {
    label,
    through: monthKey(last.year, last.month),
    anomalies: Object.fromEntries(
      months.filter((m) => m.is_anomaly).map((m) => [monthKey(m.year, m.month), m.value_usd]),
    ),
  };
}

/** Keep a framework's newly persistent flags (screen_flags rows: the products listed in its last three years). */
export function keepScreen(
  warnings: WarningSnapshot,
  framework: string,
  name: string,
  flags: readonly {
    hs6: string;
    label: string | null;
    year: number;
    latest_year: number;
    newly_persistent: boolean | null;
  }[],
): void {
  const through = flags[0]?.latest_year;
  if (through === undefined) return;
  const newlyPersistent: ScreenWatch['newlyPersistent'] = {};
  for (const f of flags.filter((r) => r.newly_persistent)) {
    newlyPersistent[f.hs6] ??= { label: f.label ?? `HS ${f.hs6}`, years: [] };
    newlyPersistent[f.hs6].years.push(f.year);
  }
  warnings.screens[framework] = { name, through, newlyPersistent };
}

export interface Warning {
  kind: 'monthly-anomaly' | 'persistent-flag';
  /** New data (a month or year the previous release did not have), or a revision of history. */
  cause: 'change' | 'revision';
  subject: string;
  href: string;
  year: number;
  /** The alert id's last part (a month or a year). */
  when: string;
  text: string;
}

/**
 * The warnings this release has and the previous one did not. Without a previous snapshot that kept
 * warnings (a first release, or one from before they were kept) there is nothing to compare with.
 */
export function newWarnings(previous: WarningSnapshot | undefined, current: WarningSnapshot): Warning[] {
  if (!previous) return [];
  const out: Warning[] = [];
  for (const [hs6, series] of Object.entries(current.monthly)) {
    const before = previous.monthly[hs6];
    for (const [month, value] of Object.entries(series.anomalies)) {
      if (before && month in before.anomalies) continue;
      out.push({
        kind: 'monthly-anomaly',
        cause: before && month <= before.through ? 'revision' : 'change',
        subject: `${series.label} (HS ${hs6})`,
        href: paths.product(hs6),
        year: Number(month.slice(0, 4)),
        when: month,
        text: `monthly anomaly in ${month}: US imports of ${formatUsd(value)}, more than 2 SD from the trailing 24-month mean`,
      });
    }
  }
  for (const [framework, screen] of Object.entries(current.screens)) {
    const before = previous.screens[framework];
    for (const [hs6, flag] of Object.entries(screen.newlyPersistent))
      for (const year of flag.years) {
        if (before?.newlyPersistent[hs6]?.years.includes(year)) continue;
        out.push({
          kind: 'persistent-flag',
          cause: before && year <= before.through ? 'revision' : 'change',
          subject: `${flag.label} (HS ${hs6})`,
          href: paths.screen,
          year,
          when: `${framework}-${year}`,
          text: `newly persistent flag: ${screen.name} flags it in at least 2 of the 3 years to ${year}`,
        });
      }
  }
  return out;
}
