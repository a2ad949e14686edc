import type {
  BasketRow,
  ConcentrationRow,
  DependencyRow,
  SourceRow,
  SupplierShareRow,
  TradeFlow,
} from '../data-schemas/index.ts';
import { SECTOR_ORDER, sectorText } from './sectors.ts';
import type { SiteData } from './site-data.ts';

/**
 * The report is about one importer's dependence: US imports by supplier. The lake may hold other
 * reporters and export flows; the pages select this cell family.
 */
export const REPORTER = 'USA';
export const IMPORT_FLOW = 'M';

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
export interface ProductMetrics {
  shares: SupplierShareRow[];
  concentration: ConcentrationRow[];
  dependency: DependencyRow[];
  flows: TradeFlow[];
  sourceIds: string[];
}

export interface SiteModel {
  data: SiteData;
  builtAt: Date;
  sectors: Sector[];
  /** One per HS6 code present in trade_flows for US imports, ordered by sector then code. */
  products: Product[];
  productsOf(sector: string): Product[];
  metricsOf(hs6: string): ProductMetrics;
  source(sourceId: string): SourceRow | undefined;
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

const isUsImport = (r: { reporter_iso3: string; flow: string }) => r.reporter_iso3 === REPORTER && r.flow === IMPORT_FLOW;
const byYear = (a: { year: number }, b: { year: number }) => a.year - b.year;
const sectorRank = (s: string) => (SECTOR_ORDER.includes(s) ? SECTOR_ORDER.indexOf(s) : SECTOR_ORDER.length);
const compareSectors = (a: string, b: string) => sectorRank(a) - sectorRank(b) || a.localeCompare(b);

export function buildModel(data: SiteData, builtAt: Date): SiteModel {
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

  const sectorIds = [...new Set([...data.basket.map((b) => b.sector), ...data.production.map((p) => p.sector), ...products.map((p) => p.sector)])];
  const sectors = sectorIds.sort(compareSectors).map((id) => ({ id, ...sectorText(id) }));
  const sourcesById = new Map(data.sources.map((s) => [s.source_id, s]));

  const tradePeriods = data.tradeFlows.map((r) => r.year * 100 + r.month);
  const lastTrade = tradePeriods.length ? Math.max(...tradePeriods) : null;
  const observedYears = data.production.filter((r) => !r.is_projection && r.year !== null).map((r) => r.year as number);

  return {
    data,
    builtAt,
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
    asOf: {
      tradeThrough: lastTrade === null ? null : lastTrade % 100 === 0 ? String(lastTrade / 100) : `${Math.floor(lastTrade / 100)}-${String(lastTrade % 100).padStart(2, '0')}`,
      productionThrough: observedYears.length ? Math.max(...observedYears) : null,
    },
  };
}
