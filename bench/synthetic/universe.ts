import { readFile } from 'node:fs/promises';
import { fromCSV } from 'arquero';
import { rng, shuffled } from './random.ts';

/**
 * The fixed cast of a synthetic trade table: who reports, who can be a partner, which products,
 * and how big each one is. Everything comes from the reference CSVs and the bundled US import
 * table (which fixes the *order* of real dominant suppliers per product); only the tail order is
 * seeded at random. Nothing here ships: it only shapes benchmark data.
 */
interface Area {
  iso3: string;
  name: string;
  code: number;
  isAggregate: boolean;
}

interface Product {
  hs6: string;
  label: string;
  /** Partner indices (into `partners`, countries only), most important supplier first. */
  suppliers: number[];
  /** Relative number of trading partners, from the bundled table where it covers the product. */
  weight: number;
  /** Quantity unit as Comtrade reports it for the product family. */
  unit: 'kg' | 'u';
}

export interface Universe {
  reporters: Area[];
  /** Every partner area with a Comtrade code: countries (490 included) and aggregates. */
  partners: Area[];
  /** Index into `partners` of each reporter, to never make a country its own partner. */
  reporterPartnerIndex: number[];
  /** Reporter size weight (Zipf over a ranking headed by the bundled data's big traders). */
  reporterWeight: number[];
  /** Partner indices of export destinations, biggest market first. */
  destinations: number[];
  world: number;
  /** "nes" and special-category aggregates that carry a little unallocated trade. */
  nesAreas: number[];
  products: Product[];
}

const ROOT = new URL('../../', import.meta.url);
const NES_CODES = [899, 839, 837, 838, 568, 577, 527, 637, 290, 473, 492];
/** Comtrade has no Taiwan reporter: Taiwan only appears as partner 490 "Other Asia, nes". */
const NOT_A_REPORTER = new Set([490]);

async function csv(path: string): Promise<Record<string, string>[]> {
  const text = await readFile(new URL(path, ROOT), 'utf8');
  return fromCSV(text, { autoType: false }).objects() as Record<string, string>[];
}

/** Narrow or widen the cast: the report benchmark wants one reporter and a thousand products. */
export interface UniverseSize {
  /** Keep the N biggest reporters (1 = the USA only). */
  reporters?: number;
  /** Total products: the basket first, then synthetic HS6 codes (9500xx…) to reach N. */
  products?: number;
}

/** Synthetic HS6 codes beyond the basket: chapter 95, which the basket does not use. */
const syntheticHs6 = (i: number): string => String(950000 + i);

export async function loadUniverse(seed: number, size: UniverseSize = {}): Promise<Universe> {
  const countries = await csv('data-schemas/reference/countries.csv');
  const basket = await csv('data-schemas/reference/basket.csv');
  const usImports = await csv('data/bundled/us_imports_by_partner_hs6.csv');

  const partners: Area[] = countries
    .filter((c) => (c.comtrade_code ?? '') !== '')
    .map((c) => ({
      iso3: c.iso3,
      name: c.name,
      code: Number(c.comtrade_code),
      isAggregate: c.is_aggregate === 'true',
    }));
  const byIso = new Map(partners.map((p, i) => [p.iso3, i]));
  const countryIdx = partners.flatMap((p, i) => (p.isAggregate ? [] : [i]));

  // Real supplier order per product and overall, from the bundled table (value summed over its years).
  const perProduct = new Map<string, Map<string, number>>();
  const overall = new Map<string, number>();
  for (const r of usImports) {
    if (r.is_aggregate_partner !== 'f' || !byIso.has(r.partner_iso3)) continue;
    const v = Number(r.import_value_usd) || 0;
    const m = perProduct.get(r.canonical_product_id) ?? new Map<string, number>();
    m.set(r.partner_iso3, (m.get(r.partner_iso3) ?? 0) + v);
    perProduct.set(r.canonical_product_id, m);
    overall.set(r.partner_iso3, (overall.get(r.partner_iso3) ?? 0) + v);
  }
  const ranked = (m: Map<string, number> | undefined): string[] =>
    [...(m ?? new Map())].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([iso]) => iso);
  const headThenTail = (head: string[], r: () => number): number[] => {
    const first = head.map((iso) => byIso.get(iso)!);
    const seen = new Set(first);
    return [
      ...first,
      ...shuffled(
        countryIdx.filter((i) => !seen.has(i)),
        r,
      ),
    ];
  };

  const r = rng(seed, 1);
  // The US reports (it is the bundled reporter); the others follow the bundled supplier ranking.
  const bigTraders = ['USA', ...ranked(overall).filter((iso) => iso !== 'USA')];
  const reporterOrder = headThenTail(bigTraders, r)
    .filter((i) => !NOT_A_REPORTER.has(partners[i].code))
    .slice(0, size.reporters);
  const reporters = reporterOrder.map((i) => partners[i]);
  const reporterWeight = reporters.map((_, rank) => 1 / (rank + 1));
  const destinations = headThenTail(bigTraders, r);

  const rowCounts = new Map<string, number>();
  for (const row of usImports)
    rowCounts.set(row.canonical_product_id, (rowCounts.get(row.canonical_product_id) ?? 0) + 1);
  const counts = [...rowCounts.values()].sort((a, b) => a - b);
  const median = counts[Math.floor(counts.length / 2)] ?? 1;
  // A product the bundled table does not cover gets its dominant suppliers from the big traders.
  const supplierHead = (hs6: string): string[] =>
    perProduct.has(hs6) ? ranked(perProduct.get(hs6)) : shuffled(bigTraders.slice(0, 12), r);
  const wanted = size.products ?? basket.length;
  const codes = [
    ...basket.map((b) => ({ hs6: b.hs6, label: b.label })),
    ...Array.from({ length: Math.max(0, wanted - basket.length) }, (_, i) => ({
      hs6: syntheticHs6(i),
      label: `Synthetic product ${syntheticHs6(i)}`,
    })),
  ].slice(0, wanted);
  const products: Product[] = codes.map((b) => ({
    hs6: b.hs6,
    label: b.label,
    suppliers: headThenTail(supplierHead(b.hs6), r),
    weight: (rowCounts.get(b.hs6) ?? median) / median,
    unit: b.hs6.startsWith('8486') ? 'u' : 'kg',
  }));

  return {
    reporters,
    partners,
    reporterPartnerIndex: reporterOrder,
    reporterWeight,
    destinations,
    world: byIso.get('WLD')!,
    nesAreas: NES_CODES.map((code) => partners.findIndex((p) => p.code === code)).filter((i) => i >= 0),
    products,
  };
}
