import { InputError } from '../errors.ts';
import { getJson, type ObjectStore } from '../seams/object-store.ts';
import type { ClaimResult } from './claims.ts';
import { newWarnings, type WarningSnapshot } from './early-warnings.ts';
import { formatShare, formatUsd } from './format.ts';
import type { Headline } from './headlines.ts';
import type { SiteModel } from './model.ts';
import { mounts, paths } from './paths.ts';
import { seriesName } from './sectors.ts';
import { HHI_BANDS, MAJORITY_SHARE } from './thresholds.ts';

/**
 * Releases. Every build is one release, named by its month: the monthly refresh writes one release
 * per month, a rebuild in the same month replaces that month's release, and earlier months are never
 * touched. A release carries a small snapshot of its metrics; the next release diffs against it to
 * say what changed, telling a revision of history (a year both releases have, with a new value) from
 * a change (a year the earlier release did not have).
 */
const SNAPSHOT_FORMAT = 1;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** One product-year as the snapshot keeps it. */
interface ProductYear {
  total_value_usd: number;
  hhi: number;
  cr1: number;
  top_supplier_iso3: string;
  top_supplier_name: string;
  china_share: number | null;
  china_hkg_share: number | null;
  ally_share: number | null;
}

export interface ReleaseSnapshot {
  format: number;
  release: string;
  products: Record<string, { label: string; years: Record<string, ProductYear> }>;
  /** `commodity|measure|source_id` → year → country → share of world. */
  production: Record<string, { label: string; commodity: string; years: Record<string, Record<string, number>> }>;
  /** Headline figure id (`<headline>#<n>`) → value. */
  headlines: Record<string, { label: string; value: number; display: string; when: string }>;
  /** Claim id → its verdict in words ("Overstated by 15 pp"). */
  claims: Record<string, string>;
  /** Monthly anomalies and newly persistent dependency flags (absent in snapshots from before they were kept). */
  warnings?: WarningSnapshot;
  /** Every page path of the release. */
  pages: string[];
  /** Pages earlier releases had and this one does not: path → the last release that had it. */
  gone: Record<string, string>;
}

/**
 * `releases/index.json`: every release, oldest first. Only what the site's content decides: a build
 * time here would give two builds of the same lake two build ids, and a full re-upload.
 */
export interface ReleaseIndex {
  releases: { month: string }[];
}

export const releaseMonthOf = (date: Date): string => date.toISOString().slice(0, 7);

export function checkMonth(month: string): string {
  if (!MONTH.test(month))
    throw new InputError(`Release month "${month}" is not YYYY-MM`, 'Pass a month such as 2026-02.');
  return month;
}

/** The release history: the index and the newest earlier release's snapshot, read from wherever earlier releases live (the site folder, the site bucket). */
/** The releases the live site has (none without one), and the snapshot of the newest one before `month`. */
export async function readHistory(
  archive: ObjectStore | undefined,
  month: string,
): Promise<{ index: ReleaseIndex; previous: ReleaseSnapshot | null }> {
  if (!archive) return { index: { releases: [] }, previous: null };
  const index = (await getJson<ReleaseIndex>(archive, mounts.releasesJson)) ?? { releases: [] };
  const newest = index.releases.at(-1)?.month;
  if (newest !== undefined && newest > month) {
    throw new InputError(
      `Release ${month} is older than the newest release, ${newest}; earlier releases are never rewritten`,
      `Build the current month (the default) or pass a month from ${newest} on.`,
    );
  }
  const earlier = index.releases.filter((r) => r.month < month).at(-1);
  if (!earlier) return { index, previous: null };
  const snapshot = await getJson<ReleaseSnapshot>(archive, mounts.release(earlier.month) + paths.snapshot);
  // A snapshot of another format cannot be compared field by field; the page then says there is no comparison.
  return { index, previous: snapshot && snapshot.format === SNAPSHOT_FORMAT ? snapshot : null };
}

/** The index with `month` added (or kept); entries of earlier sites that carried a build time lose it. */
export function nextIndex(index: ReleaseIndex, month: string): ReleaseIndex {
  const months = new Set([...index.releases.map((r) => r.month), month]);
  return { releases: [...months].sort().map((m) => ({ month: m })) };
}

export const headlineKey = (h: Headline, i: number): string => `${h.id}#${i}`;

/** One year of a product as its page has it (product_years.sql). */
interface ProductYearRow {
  year: number;
  total_value_usd: number;
  hhi: number;
  cr1: number;
  top_supplier_iso3: string;
  top_supplier_name: string | null;
  has_dependency: boolean;
  china_share?: number | null;
  china_hkg_share?: number | null;
  ally_share?: number | null;
}

/** A product's years as the snapshot keeps them. */
export function productSnapshot(label: string, rows: readonly ProductYearRow[]): ReleaseSnapshot['products'][string] {
  const years: Record<string, ProductYear> = {};
  for (const c of rows) {
    years[c.year] = {
      total_value_usd: c.total_value_usd,
      hhi: c.hhi,
      cr1: c.cr1,
      top_supplier_iso3: c.top_supplier_iso3,
      top_supplier_name: c.top_supplier_name ?? c.top_supplier_iso3,
      china_share: c.has_dependency ? (c.china_share ?? null) : null,
      china_hkg_share: c.has_dependency ? (c.china_hkg_share ?? null) : null,
      ally_share: c.has_dependency ? (c.ally_share ?? null) : null,
    };
  }
  return { label, years };
}

/** A production_shares row as the snapshot keeps it, with the columns that order the table's rows. */
export interface ProductionShareEntry {
  sector: string;
  commodity: string;
  stage: string;
  measure: string;
  source_id: string;
  geo_iso3: string;
  year: number;
  share: number;
}

/** The table's own order (production_shares.sql's ORDER BY). */
const tableOrder = (a: ProductionShareEntry, b: ProductionShareEntry): number => {
  for (const k of ['sector', 'commodity', 'stage', 'measure', 'source_id', 'geo_iso3'] as const)
    if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
  return a.year - b.year;
};

/** This release's metric snapshot; its page list is added once the pages are written (withPages). */
export function snapshotOf(input: {
  month: string;
  products: ReleaseSnapshot['products'];
  productionShares: readonly ProductionShareEntry[];
  headlines: readonly Headline[];
  claims: readonly ClaimResult[];
  warnings: WarningSnapshot;
}): ReleaseSnapshot {
  const production: ReleaseSnapshot['production'] = {};
  const byYearAndGeo = [...input.productionShares].sort(
    (a, b) => a.year - b.year || a.geo_iso3.localeCompare(b.geo_iso3) || tableOrder(a, b),
  );
  for (const r of byYearAndGeo) {
    const key = `${r.commodity}|${r.measure}|${r.source_id}`;
    production[key] ??= {
      label: `${seriesName(r.commodity, r.measure)} (${r.source_id})`,
      commodity: r.commodity,
      years: {},
    };
    const years = production[key].years;
    years[r.year] ??= {};
    years[r.year][r.geo_iso3] = r.share;
  }
  const headlineValues: ReleaseSnapshot['headlines'] = {};
  for (const h of input.headlines) {
    for (const [i, f] of h.figures.entries()) {
      headlineValues[headlineKey(h, i)] = {
        label: `${h.label}${f.qualifier ? `, ${f.qualifier}` : ''}`,
        value: f.value,
        display: f.display,
        when: f.when,
      };
    }
  }

  return {
    format: SNAPSHOT_FORMAT,
    release: input.month,
    products: input.products,
    production,
    headlines: headlineValues,
    claims: Object.fromEntries(input.claims.map((c) => [c.claim.id, c.label])),
    warnings: input.warnings,
    pages: [],
    gone: {},
  };
}

/** The snapshot with this release's pages, and the pages earlier releases had that this one lacks (kept so their `latest/` address still leads somewhere). */
export function withPages(
  snapshot: ReleaseSnapshot,
  pages: readonly string[],
  previous: ReleaseSnapshot | null,
): ReleaseSnapshot {
  const has = new Set(pages);
  const gone: Record<string, string> = {};
  if (previous) {
    for (const [path, month] of Object.entries(previous.gone)) if (!has.has(path)) gone[path] = month;
    for (const path of previous.pages) if (!has.has(path)) gone[path] = previous.release;
  }
  return {
    ...snapshot,
    pages: [...has].sort(),
    gone: Object.fromEntries(Object.entries(gone).sort(([a], [b]) => a.localeCompare(b))),
  };
}

// ---- what changed ----

/** Differences smaller than this are float noise, not a revision. */
const EPSILON = 1e-9;

type MoveKind = 'change' | 'revision';

interface Delta {
  metric: string;
  before: string;
  after: string;
}

/** One subject-year that moved between the releases. */
export interface Move {
  kind: MoveKind;
  subject: string;
  href: string;
  year: number;
  /** For a change: the year it is compared with (the latest earlier year of the same series). */
  comparedWith: number | null;
  deltas: Delta[];
  /** Threshold crossings among the deltas. */
  crossings: string[];
}

type AlertKind =
  | 'hhi-band'
  | 'top-supplier'
  | 'majority-supplier'
  | 'top-producer'
  | 'monthly-anomaly'
  | 'persistent-flag';

interface Alert {
  id: string;
  kind: AlertKind;
  cause: MoveKind;
  title: string;
  summary: string;
  href: string;
  year: number;
}

export interface ReleaseChanges {
  month: string;
  previousMonth: string | null;
  moves: Move[];
  alerts: Alert[];
  added: { subject: string; href: string }[];
  removed: { subject: string; lastRelease: string }[];
  claims: { id: string; before: string; after: string }[];
}

/** Index of the HHI band a value lies in: -1 below the first band. */
export const hhiBand = (hhi: number): number => HHI_BANDS.reduce((band, b, i) => (hhi > b.from ? i : band), -1);
const bandName = (band: number) => {
  if (band < 0) return `below ${HHI_BANDS[0].from.toFixed(2)}`;
  const b = HHI_BANDS[band];
  return b.to >= 1 ? `above ${b.from.toFixed(2)}, ${b.short}` : `${b.from.toFixed(2)}–${b.to.toFixed(2)}, ${b.short}`;
};
const differs = (a: number | null, b: number | null) =>
  a === null || b === null ? a !== b : Math.abs(a - b) > EPSILON;
const share = (v: number | null) => (v === null ? 'n/a' : formatShare(v));
const pp = (a: number | null, b: number | null) =>
  a === null || b === null ? '' : ` (${b - a >= 0 ? '+' : '−'}${Math.abs((b - a) * 100).toFixed(1)} pp)`;

const PRODUCT_METRICS: { key: keyof ProductYear; label: string; format: (v: number | null) => string }[] = [
  { key: 'total_value_usd', label: 'US imports', format: (v) => (v === null ? 'n/a' : formatUsd(v)) },
  { key: 'hhi', label: 'HHI', format: (v) => (v === null ? 'n/a' : v.toFixed(3)) },
  { key: 'cr1', label: 'Top supplier share (CR1)', format: share },
  { key: 'china_share', label: 'China share', format: share },
  { key: 'china_hkg_share', label: 'China incl. Hong Kong and Macao', format: share },
  { key: 'ally_share', label: 'Allies share', format: share },
];

function productDeltas(before: ProductYear, after: ProductYear): Delta[] {
  const deltas: Delta[] = [];
  for (const { key, label, format } of PRODUCT_METRICS) {
    const [a, b] = [before[key] as number | null, after[key] as number | null];
    if (differs(a, b))
      deltas.push({
        metric: label,
        before: format(a),
        after: format(b) + (key === 'total_value_usd' || key === 'hhi' ? '' : pp(a, b)),
      });
  }
  if (before.top_supplier_iso3 !== after.top_supplier_iso3)
    deltas.push({ metric: 'Top supplier', before: before.top_supplier_name, after: after.top_supplier_name });
  return deltas;
}

/** Threshold crossings from one product-year to another, as alert kinds with a sentence each. */
function productCrossings(before: ProductYear, after: ProductYear): { kind: AlertKind; text: string }[] {
  const out: { kind: AlertKind; text: string }[] = [];
  const [b0, b1] = [hhiBand(before.hhi), hhiBand(after.hhi)];
  if (b0 !== b1)
    out.push({
      kind: 'hhi-band',
      text: `HHI ${b1 > b0 ? 'rose' : 'fell'} from ${before.hhi.toFixed(3)} (${bandName(b0)}) to ${after.hhi.toFixed(3)} (${bandName(b1)})`,
    });
  if (before.top_supplier_iso3 !== after.top_supplier_iso3)
    out.push({
      kind: 'top-supplier',
      text: `top supplier now ${after.top_supplier_name} (${formatShare(after.cr1)}), was ${before.top_supplier_name}`,
    });
  if (before.cr1 > MAJORITY_SHARE !== after.cr1 > MAJORITY_SHARE) {
    out.push({
      kind: 'majority-supplier',
      text: `top supplier share ${after.cr1 > MAJORITY_SHARE ? 'rose above' : 'fell to or below'} ${formatShare(MAJORITY_SHARE, 0)}: ${formatShare(before.cr1)} → ${formatShare(after.cr1)}`,
    });
  }
  return out;
}

const sortedYears = (years: Record<string, unknown>) =>
  Object.keys(years)
    .map(Number)
    .sort((a, b) => a - b);
const leaderOf = (shares: Record<string, number>) =>
  Object.entries(shares).sort(([a, x], [b, y]) => y - x || a.localeCompare(b))[0];

/**
 * What moved from the previous release to this one. A year present in both with a different value
 * is a revision of history; a year only this release has is a change, compared with the series'
 * latest earlier year. Threshold crossings (HHI bands, a new top supplier or producer, a supplier
 * passing half of imports) become alerts, each marked as change or revision.
 */
export function diffReleases(
  previous: ReleaseSnapshot | null,
  current: ReleaseSnapshot,
  model: SiteModel,
): ReleaseChanges {
  const changes: ReleaseChanges = {
    month: current.release,
    previousMonth: previous?.release ?? null,
    moves: [],
    alerts: [],
    added: [],
    removed: [],
    claims: [],
  };
  if (!previous) return changes;
  const alert = (kind: AlertKind, cause: MoveKind, subject: string, href: string, year: number, text: string) =>
    changes.alerts.push({
      id: `${current.release}/${kind}/${subject.replace(/[^A-Za-z0-9]+/g, '-')}/${year}`,
      kind,
      cause,
      title: `${subject}: ${text.split(':')[0]}`,
      summary: `${subject}, ${year}: ${text}${cause === 'revision' ? ' (revised history, not new data)' : ''}.`,
      href,
      year,
    });

  for (const [hs6, cur] of Object.entries(current.products)) {
    const subject = `${cur.label} (HS ${hs6})`;
    const href = paths.product(hs6);
    const prev = previous.products[hs6];
    if (!prev) {
      changes.added.push({ subject, href });
      continue;
    }
    const years = sortedYears(cur.years);
    for (const year of years) {
      const after = cur.years[year];
      const before = prev.years[year];
      if (before) {
        const deltas = productDeltas(before, after);
        if (deltas.length === 0) continue;
        const crossings = productCrossings(before, after);
        changes.moves.push({
          kind: 'revision',
          subject,
          href,
          year,
          comparedWith: null,
          deltas,
          crossings: crossings.map((c) => c.text),
        });
        for (const c of crossings) alert(c.kind, 'revision', subject, href, year, c.text);
      } else {
        const earlier = years.filter((y) => y < year).at(-1);
        const base = earlier === undefined ? undefined : cur.years[earlier];
        const crossings = base ? productCrossings(base, after) : [];
        changes.moves.push({
          kind: 'change',
          subject,
          href,
          year,
          comparedWith: earlier ?? null,
          deltas: base ? productDeltas(base, after) : [],
          crossings: crossings.map((c) => c.text),
        });
        for (const c of crossings) alert(c.kind, 'change', subject, href, year, c.text);
      }
    }
    for (const year of sortedYears(prev.years).filter((y) => !(y in cur.years))) {
      changes.moves.push({
        kind: 'revision',
        subject,
        href,
        year,
        comparedWith: null,
        deltas: [{ metric: 'Year', before: 'present', after: 'withdrawn by the source' }],
        crossings: [],
      });
    }
  }

  for (const [key, cur] of Object.entries(current.production)) {
    const prev = previous.production[key];
    const href = paths.production(cur.commodity);
    if (!prev) {
      changes.added.push({ subject: cur.label, href });
      continue;
    }
    const years = sortedYears(cur.years);
    for (const year of years) {
      const after = cur.years[year];
      const before = prev.years[year];
      const geos = [...new Set([...Object.keys(after), ...Object.keys(before ?? {})])].sort();
      if (before) {
        const deltas = geos
          .filter((g) => differs(before[g] ?? null, after[g] ?? null))
          .map((g) => ({
            metric: model.countryName(g),
            before: share(before[g] ?? null),
            after: share(after[g] ?? null) + pp(before[g] ?? null, after[g] ?? null),
          }));
        if (deltas.length === 0) continue;
        const [l0, l1] = [leaderOf(before), leaderOf(after)];
        const crossings =
          l0[0] !== l1[0]
            ? [
                `largest producer now ${model.countryName(l1[0])} (${formatShare(l1[1])}), was ${model.countryName(l0[0])}`,
              ]
            : [];
        changes.moves.push({ kind: 'revision', subject: cur.label, href, year, comparedWith: null, deltas, crossings });
        for (const text of crossings) alert('top-producer', 'revision', cur.label, href, year, text);
      } else {
        const earlier = years.filter((y) => y < year).at(-1);
        const base = earlier === undefined ? undefined : cur.years[earlier];
        const [l0, l1] = [base ? leaderOf(base) : undefined, leaderOf(after)];
        const crossings =
          l0 && l0[0] !== l1[0]
            ? [
                `largest producer now ${model.countryName(l1[0])} (${formatShare(l1[1])}), was ${model.countryName(l0[0])}`,
              ]
            : [];
        const deltas = [
          {
            metric: `Largest producer, ${model.countryName(l1[0])}`,
            before: base ? share(base[l1[0]] ?? null) : 'n/a',
            after: share(l1[1]) + pp(base?.[l1[0]] ?? null, l1[1]),
          },
        ];
        changes.moves.push({
          kind: 'change',
          subject: cur.label,
          href,
          year,
          comparedWith: earlier ?? null,
          deltas,
          crossings,
        });
        for (const text of crossings) alert('top-producer', 'change', cur.label, href, year, text);
      }
    }
  }

  for (const w of current.warnings ? newWarnings(previous.warnings, current.warnings) : [])
    changes.alerts.push({
      id: `${current.release}/${w.kind}/${w.subject.replace(/[^A-Za-z0-9]+/g, '-')}/${w.when}`,
      kind: w.kind,
      cause: w.cause,
      title: `${w.subject}: ${w.text.split(':')[0]}`,
      summary: `${w.subject}: ${w.text}${w.cause === 'revision' ? ' (revised history, not new data)' : ''}.`,
      href: w.href,
      year: w.year,
    });

  for (const [hs6, prev] of Object.entries(previous.products))
    if (!current.products[hs6])
      changes.removed.push({ subject: `${prev.label} (HS ${hs6})`, lastRelease: previous.release });
  for (const [key, prev] of Object.entries(previous.production))
    if (!current.production[key]) changes.removed.push({ subject: prev.label, lastRelease: previous.release });
  for (const [id, after] of Object.entries(current.claims)) {
    const before = previous.claims[id];
    if (before && before !== after) changes.claims.push({ id, before, after });
  }
  return changes;
}
