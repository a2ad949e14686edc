import { gumbel, logNormal, rng, type Rng } from './random.ts';
import type { Universe } from './universe.ts';

/**
 * Synthetic monthly bilateral trade, one (year, month) batch at a time so any size streams in
 * bounded memory. Shape: every reporter × product × flow is a cell; bigger reporters and
 * products get more partners; a cell's suppliers are drawn from the product's ranking with a
 * Gumbel perturbation (so a few dominant suppliers almost always appear) and take Zipf-like
 * shares of a log-normal cell total; cells with enough partners carry a World row and sometimes
 * an "areas nes" row, as Comtrade does.
 */
export interface SyntheticRow {
  year: number;
  /** 1–12 for a monthly row, 0 for an annual total. */
  month: number;
  reporter: number;
  partner: number;
  product: number;
  flow: 'M' | 'X';
  value: number;
  netWeightKg: number | null;
  quantity: number;
  estimated: boolean;
}

export interface BadRow {
  row: SyntheticRow;
  defect: Defect;
}

/** What is wrong with a raw row that ingest must quarantine. */
const DEFECTS = [
  'negative_value',
  'unknown_partner',
  'unknown_product',
  'non_numeric_value',
  'bad_month',
  'duplicate_key',
] as const;
export type Defect = (typeof DEFECTS)[number];

export interface TradeShape {
  seed: number;
  rows: number;
  firstYear: number;
  years: number;
  /** Share of extra raw rows that are defective (quarantined by ingest, absent from curated). */
  badShare: number;
}

export const DEFAULT_SHAPE: Omit<TradeShape, 'rows'> = { seed: 20240601, firstYear: 2015, years: 10, badShare: 0.005 };

export const monthsOf = (s: TradeShape): { year: number; month: number }[] =>
  Array.from({ length: s.years * 12 }, (_, i) => ({ year: s.firstYear + Math.floor(i / 12), month: (i % 12) + 1 }));

/** Rows in batch i of n so the batches add up to exactly `rows`. */
export const batchRows = (rows: number, i: number, n: number): number =>
  Math.floor((rows * (i + 1)) / n) - Math.floor((rows * i) / n);

interface Cell {
  reporter: number;
  product: number;
  flow: 'M' | 'X';
  /** Expected rows per month (capped at the partners available). */
  expected: number;
}

const EXPORT_WEIGHT = 0.7;
/** Zipf exponent of supplier shares within a cell: the top one or two take most of the value. */
const SHARE_EXPONENT = 1.6;
const NES_PROBABILITY = 0.15;

/** Cells with their expected row counts, scaled (with the partner cap) so a month holds `perMonth` rows. */
export function planCells(u: Universe, perMonth: number): Cell[] {
  const countries = u.partners.filter((p) => !p.isAggregate).length - 1;
  const cap = countries + 2; // every country but the reporter, plus World and one nes area
  const raw: Omit<Cell, 'expected'>[] = [];
  const weights: number[] = [];
  for (let r = 0; r < u.reporters.length; r++)
    for (let p = 0; p < u.products.length; p++)
      for (const flow of ['M', 'X'] as const) {
        raw.push({ reporter: r, product: p, flow });
        weights.push(u.reporterWeight[r] * u.products[p].weight * (flow === 'M' ? 1 : EXPORT_WEIGHT));
      }
  const total = (lambda: number): number => weights.reduce((s, w) => s + Math.min(cap, lambda * w), 0);
  if (total(1e12) < perMonth)
    throw new RangeError(`At most ${Math.floor(total(1e12))} rows per month fit this universe`);
  let lo = 0;
  let hi = 1;
  while (total(hi) < perMonth) hi *= 2;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (total(mid) < perMonth) lo = mid;
    else hi = mid;
  }
  return raw.map((c, i) => ({ ...c, expected: Math.min(cap, hi * weights[i]) }));
}

/** Integer rows per cell for one month: systematic rounding from a random offset, then an exact fix-up. */
function rowsPerCell(cells: Cell[], target: number, r: Rng): Int32Array {
  const counts = new Int32Array(cells.length);
  let carry = r();
  let sum = 0;
  for (let i = 0; i < cells.length; i++) {
    carry += cells[i].expected;
    const n = Math.floor(carry);
    carry -= n;
    counts[i] = n;
    sum += n;
  }
  // The fix-up is at most a row or two: take it from / give it to the largest cells.
  for (let i = 0; sum !== target; i = (i + 1) % cells.length) {
    const step = sum < target ? 1 : -1;
    if (counts[i] + step >= 0 && cells[i].expected - counts[i] - step > -1) {
      counts[i] += step;
      sum += step;
    }
  }
  return counts;
}

/** k distinct partners from a ranked candidate list, biased toward the top (Gumbel top-k). */
function pickPartners(ranking: number[], exclude: number, k: number, r: Rng): { partner: number; rank: number }[] {
  const pool = Math.min(ranking.length, 2 * k + 8);
  const keyed: { partner: number; rank: number; key: number }[] = [];
  for (let i = 0; i < pool; i++) {
    if (ranking[i] === exclude) continue;
    keyed.push({ partner: ranking[i], rank: i, key: -1.1 * Math.log(i + 1) + gumbel(r) });
  }
  if (keyed.length < k) {
    for (let i = pool; i < ranking.length && keyed.length < k; i++)
      if (ranking[i] !== exclude) keyed.push({ partner: ranking[i], rank: i, key: -Infinity });
  }
  keyed.sort((a, b) => b.key - a.key);
  return keyed.slice(0, k).sort((a, b) => a.rank - b.rank);
}

/** All good rows of one month, in cell order. */
export function generateMonth(
  u: Universe,
  cells: Cell[],
  shape: TradeShape,
  year: number,
  month: number,
  target: number,
): SyntheticRow[] {
  const r = rng(shape.seed, year, month);
  const counts = rowsPerCell(cells, target, r);
  const out: SyntheticRow[] = [];
  const countries = u.partners.filter((p) => !p.isAggregate).length - 1;
  const yearIndex = year - shape.firstYear;
  for (let c = 0; c < cells.length; c++) {
    const n = counts[c];
    if (n === 0) continue;
    const cell = cells[c];
    const product = u.products[cell.product];
    const withWorld = n >= 3;
    // A cell with every country as partner still needs its last row: it goes to an nes area.
    const withNes = n >= 4 && (r() < NES_PROBABILITY || n - 1 > countries);
    const k = n - (withWorld ? 1 : 0) - (withNes ? 1 : 0);
    const ranking = cell.flow === 'M' ? product.suppliers : u.destinations;
    const chosen = pickPartners(ranking, u.reporterPartnerIndex[cell.reporter], k, r);
    // Cell total grows with the cell's size and a mild trend over the decade.
    const total = logNormal(r, 13 + 0.9 * Math.log1p(cell.expected) + 0.04 * yearIndex, 1.0);
    const weights = chosen.map((p) => (p.rank + 1) ** -SHARE_EXPONENT * logNormal(r, 0, 0.5));
    const wsum = weights.reduce((a, b) => a + b, 0);
    const unitPrice = logNormal(r, product.unit === 'u' ? 12 : 4, 0.8);
    let sum = 0;
    const row = (partner: number, value: number): SyntheticRow => {
      const kg = r() < 0.03 ? null : Math.max(1, Math.round(value / unitPrice));
      return {
        year,
        month,
        reporter: cell.reporter,
        partner,
        product: cell.product,
        flow: cell.flow,
        value,
        netWeightKg: kg,
        quantity: product.unit === 'u' ? Math.max(1, Math.round(value / unitPrice / 50)) : (kg ?? 0),
        estimated: r() < 0.02,
      };
    };
    for (let i = 0; i < chosen.length; i++) {
      // Whole dollars keep every sum exact in doubles, so engines that add in different orders agree.
      const value = Math.max(1, Math.round((total * weights[i]) / wsum));
      sum += value;
      out.push(row(chosen[i].partner, value));
    }
    if (withNes) {
      const nes = u.nesAreas[Math.floor(r() * u.nesAreas.length)];
      const value = Math.max(1, Math.round(total * 0.02 * r()));
      sum += value;
      out.push(row(nes, value));
    }
    if (withWorld) out.push(row(u.world, sum));
  }
  return out;
}

/** Defective copies of some good rows (extra raw rows), one defect each, deterministic per month. */
export function badRowsOf(good: readonly SyntheticRow[], shape: TradeShape, year: number, month: number): BadRow[] {
  const r = rng(shape.seed, year, month, 0xbad);
  const n = Math.round(good.length * shape.badShare);
  const out: BadRow[] = [];
  for (let i = 0; i < n && good.length; i++) {
    const row = good[Math.floor(r() * good.length)];
    out.push({ row, defect: DEFECTS[Math.floor(r() * DEFECTS.length)] });
  }
  return out;
}

/**
 * Annual totals (month 0) of a year's monthly rows, one per reporter × partner × product × flow,
 * as Comtrade publishes an annual dataset beside the monthly one. The metric SQL reads annual rows.
 */
export class AnnualTotals {
  private readonly totals = new Map<number, SyntheticRow>();

  add(rows: readonly SyntheticRow[], partners: number): void {
    for (const r of rows) {
      const key = ((r.reporter * 64 + r.product) * 2 + (r.flow === 'M' ? 0 : 1)) * partners + r.partner;
      const t = this.totals.get(key);
      if (!t) {
        this.totals.set(key, { ...r, month: 0 });
        continue;
      }
      t.value += r.value;
      t.quantity += r.quantity;
      t.netWeightKg =
        t.netWeightKg === null || r.netWeightKg === null
          ? (t.netWeightKg ?? r.netWeightKg)
          : t.netWeightKg + r.netWeightKg;
      t.estimated ||= r.estimated;
    }
  }

  /** The year's annual rows in key order (deterministic), and a fresh start for the next year. */
  take(): SyntheticRow[] {
    const rows = [...this.totals].sort((a, b) => a[0] - b[0]).map(([, row]) => row);
    this.totals.clear();
    return rows;
  }
}
