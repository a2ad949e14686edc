import type {
  BasketRow,
  ConcentrationRow,
  DependencyRow,
  SourceRow,
  SupplierShareRow,
  TradeFlow,
} from '../../../data-schemas/index.ts';
import type { QualityData } from './quality.ts';
import type { ReleaseSnapshot } from './release.ts';
import { SECTOR_ORDER, sectorText } from './sectors.ts';
import type { SiteData } from './site-data.ts';

/**
 * The report is about one importer's dependence: US imports by supplier. The lake may hold other
 * reporters and export flows; the pages select this cell family.
 */
const REPORTER = 'USA';
const IMPORT_FLOW = 'M';
const EXPORT_FLOW = 'X';
/** The partner group whose exports could replace a lost supplier (the seed article's allies). */
const ALLY_GROUP = 'ALLY_2021_SC';

export interface Product {
  hs6: string;
  label: string;
  sector: string;
  stage: string;
}

export interface Sector {
  id: string;
  label: string;
  intro: string;
}

/** Rows of the metric tables for one product, US imports only, sorted by year (and rank). */
interface ProductMetrics {
  shares: SupplierShareRow[];
  concentration: ConcentrationRow[];
  dependency: DependencyRow[];
  flows: TradeFlow[];
  sourceIds: string[];
}

/** Which release this build is and what came before it. */
interface ReleaseInfo {
  /** YYYY-MM. */
  month: string;
  /** The newest earlier release's snapshot; null for the first release. */
  previous: ReleaseSnapshot | null;
  /** Every release month, this one included, oldest first. */
  months: string[];
}

/** A country that was the largest supplier of at least one product in at least one year. */
export interface SupplierCountry {
  iso3: string;
  name: string;
  /** Product-years it led, by product. */
  led: { hs6: string; years: number[] }[];
}

/** Allies' exports of one product to the world in one year (trade_flows with flow X). */
interface AllyExports {
  year: number;
  value_usd: number;
  reporters: string[];
}

export interface SiteModel {
  data: SiteData;
  builtAt: Date;
  release: ReleaseInfo;
  quality: QualityData;
  sectors: Sector[];
  /** One per HS6 code present in trade_flows for US imports, ordered by sector then code. */
  products: Product[];
  productsOf(sector: string): Product[];
  metricsOf(hs6: string): ProductMetrics;
  source(sourceId: string): SourceRow | undefined;
  /** Countries with a page: the largest supplier of some product in some year, by ISO3. */
  supplierCountries: SupplierCountry[];
  /** A country's display name (as the supplier tables spell it, else the countries table, else the code). */
  countryName(iso3: string): string;
  /** Per year, allies' exports of the product to the world; empty when the lake has no export rows for it. */
  allyExports(hs6: string): AllyExports[];
  asOf: { tradeThrough: string | null; productionThrough: number | null };
}

const groupBy = <T, K>(rows: readonly T[], key: (r: T) => K): Map<K, T[]> => {
  const m = new Map<K, T[]>();
  for (const r of rows) {
    const k = key(r);
    const g = m.get(k);
    if (g) g.push(r);
    else m.set(k, [r]);
  }
  return m;
};

const isUsImport = (r: { reporter_iso3: string; flow: string }) =>
  r.reporter_iso3 === REPORTER && r.flow === IMPORT_FLOW;
const byYear = (a: { year: number }, b: { year: number }) => a.year - b.year;
const sectorRank = (s: string) => (SECTOR_ORDER.includes(s) ? SECTOR_ORDER.indexOf(s) : SECTOR_ORDER.length);
const compareSectors = (a: string, b: string) => sectorRank(a) - sectorRank(b) || a.localeCompare(b);

export interface ModelContext {
  builtAt: Date;
  release: ReleaseInfo;
  quality: QualityData;
}

function supplierCountries(shares: readonly SupplierShareRow[], name: (iso3: string) => string): SupplierCountry[] {
  const led = new Map<string, Map<string, number[]>>();
  for (const r of shares) {
    if (r.rank !== 1) continue;
    const byProduct = led.get(r.partner_iso3) ?? new Map<string, number[]>();
    byProduct.set(
      r.hs6,
      [...(byProduct.get(r.hs6) ?? []), r.year].sort((a, b) => a - b),
    );
    led.set(r.partner_iso3, byProduct);
  }
  return [...led]
    .map(([iso3, byProduct]) => ({
      iso3,
      name: name(iso3),
      led: [...byProduct].map(([hs6, years]) => ({ hs6, years })).sort((a, b) => a.hs6.localeCompare(b.hs6)),
    }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.iso3.localeCompare(b.iso3));
}

/**
 * Allies' exports of each product to the world, per year: the reporter's World row when it has one,
 * else the sum over its partner countries (never both, which would count the trade twice).
 */
function allyExportsByProduct(data: SiteData): Map<string, AllyExports[]> {
  const allies = data.partnerGroups.filter((g) => g.group_id === ALLY_GROUP);
  const isAlly = (iso3: string, year: number) =>
    allies.some((g) => g.iso3 === iso3 && year >= g.valid_from && (g.valid_to === null || year <= g.valid_to));
  const cells = groupBy(
    data.tradeFlows.filter(
      (f) => f.flow === EXPORT_FLOW && f.month === 0 && f.value_usd !== null && isAlly(f.reporter_iso3, f.year),
    ),
    (f) => `${f.hs6}|${f.year}|${f.reporter_iso3}`,
  );
  const out = new Map<string, AllyExports[]>();
  for (const [key, flows] of [...cells].sort(([a], [b]) => a.localeCompare(b))) {
    const [hs6, year, reporter] = key.split('|');
    const world = flows.find((f) => f.partner_iso3 === 'WLD');
    const value = world
      ? world.value_usd!
      : flows.filter((f) => !f.partner_is_aggregate).reduce((s, f) => s + f.value_usd!, 0);
    const list = out.get(hs6) ?? [];
    const entry = list.find((e) => e.year === Number(year));
    if (entry) {
      entry.value_usd += value;
      entry.reporters.push(reporter);
    } else list.push({ year: Number(year), value_usd: value, reporters: [reporter] });
    out.set(hs6, list);
  }
  for (const list of out.values()) list.sort((a, b) => a.year - b.year);
  return out;
}

export function buildModel(data: SiteData, context: ModelContext): SiteModel {
  const basketByHs6 = new Map<string, BasketRow>(data.basket.map((b) => [b.hs6, b]));
  const flows = groupBy(data.tradeFlows.filter(isUsImport), (r) => r.hs6);
  const shares = groupBy(data.supplierShares.filter(isUsImport), (r) => r.hs6);
  const conc = groupBy(data.concentration.filter(isUsImport), (r) => r.hs6);
  const dep = groupBy(data.dependency.filter(isUsImport), (r) => r.hs6);

  const products: Product[] = [...flows.keys()]
    .map((hs6) => {
      const b = basketByHs6.get(hs6);
      return { hs6, label: b?.label ?? `HS ${hs6}`, sector: b?.sector ?? 'unclassified', stage: b?.stage ?? 'trade' };
    })
    .sort((a, b) => compareSectors(a.sector, b.sector) || a.hs6.localeCompare(b.hs6));

  const sectorIds = [
    ...new Set([
      ...data.basket.map((b) => b.sector),
      ...data.production.map((p) => p.sector),
      ...products.map((p) => p.sector),
    ]),
  ];
  const sectors = sectorIds.sort(compareSectors).map((id) => ({ id, ...sectorText(id) }));
  const sourcesById = new Map(data.sources.map((s) => [s.source_id, s]));
  const supplierNames = new Map(data.supplierShares.filter(isUsImport).map((r) => [r.partner_iso3, r.partner_name]));
  const countryNames = new Map(data.countries.map((c) => [c.iso3, c.name]));
  const countryName = (iso3: string) => supplierNames.get(iso3) ?? countryNames.get(iso3) ?? iso3;
  const exportsByProduct = allyExportsByProduct(data);

  // A loop, not Math.max(...rows): spreading every trade row into one call overflows the stack above ~120k rows.
  const lastTrade = data.tradeFlows.reduce<number | null>(
    (last, r) => Math.max(last ?? -Infinity, r.year * 100 + r.month),
    null,
  );
  const observedYears = data.production.filter((r) => !r.is_projection && r.year !== null).map((r) => r.year as number);

  return {
    data,
    ...context,
    sectors,
    products,
    productsOf: (sector) => products.filter((p) => p.sector === sector),
    metricsOf: (hs6) => {
      const productFlows = flows.get(hs6) ?? [];
      return {
        shares: [...(shares.get(hs6) ?? [])].sort((a, b) => a.year - b.year || a.rank - b.rank),
        concentration: [...(conc.get(hs6) ?? [])].sort(byYear),
        dependency: [...(dep.get(hs6) ?? [])].sort(byYear),
        flows: productFlows,
        sourceIds: [...new Set(productFlows.map((f) => f.source_id))].sort(),
      };
    },
    source: (id) => sourcesById.get(id),
    supplierCountries: supplierCountries(data.supplierShares.filter(isUsImport), countryName),
    countryName,
    allyExports: (hs6) => exportsByProduct.get(hs6) ?? [],
    asOf: {
      tradeThrough:
        lastTrade === null
          ? null
          : lastTrade % 100 === 0
            ? String(lastTrade / 100)
            : `${Math.floor(lastTrade / 100)}-${String(lastTrade % 100).padStart(2, '0')}`,
      productionThrough: observedYears.length ? Math.max(...observedYears) : null,
    },
  };
}
