import {
  basket,
  concentration,
  countries,
  dependency,
  partnerGroups,
  production,
  productionConcentration,
  productionShares,
  productionTrend,
  sources,
  supplierShares,
  tradeFlows,
  tradeTrend,
  type BasketRow,
  type ConcentrationRow,
  type CountryRow,
  type DependencyRow,
  type PartnerGroupRow,
  type ProductionConcentrationRow,
  type ProductionRow,
  type ProductionShareRow,
  type ProductionTrendRow,
  type SourceRow,
  type SupplierShareRow,
  type TableDef,
  type TradeFlow,
  type TradeTrendRow,
} from '../../../data-schemas/index.ts';
import { InputError } from '../errors.ts';
import { readTable } from '../lake/read-table.ts';
import type { ObjectStore } from '../seams/object-store.ts';

/** Every lake table the report reads, as typed rows. */
export interface SiteData {
  production: ProductionRow[];
  sources: SourceRow[];
  basket: BasketRow[];
  countries: CountryRow[];
  partnerGroups: PartnerGroupRow[];
  tradeFlows: TradeFlow[];
  supplierShares: SupplierShareRow[];
  concentration: ConcentrationRow[];
  dependency: DependencyRow[];
  tradeTrend: TradeTrendRow[];
  productionShares: ProductionShareRow[];
  productionTrend: ProductionTrendRow[];
  productionConcentration: ProductionConcentrationRow[];
}

const TABLES: Record<keyof SiteData, TableDef> = {
  production,
  sources,
  basket,
  countries,
  partnerGroups,
  tradeFlows,
  supplierShares,
  concentration,
  dependency,
  tradeTrend,
  productionShares,
  productionTrend,
  productionConcentration,
};

/** Tables without which no honest page can be built. */
const REQUIRED: (keyof SiteData)[] = [
  'sources',
  'basket',
  'tradeFlows',
  'supplierShares',
  'concentration',
  'dependency',
];

/** Read the lake tables the site is built from, straight from the object store (no query engine). */
export async function loadSiteData(store: ObjectStore): Promise<SiteData> {
  const entries = await Promise.all(
    Object.entries(TABLES).map(async ([key, table]) => {
      const rows = await readTable(store, table);
      return [key, rows] as const;
    }),
  );
  const data = Object.fromEntries(entries) as unknown as SiteData;
  const empty = REQUIRED.filter((k) => data[k].length === 0).map((k) => TABLES[k].name);
  if (empty.length > 0) {
    throw new InputError(
      `The lake at ${store.location} has no rows in ${empty.join(', ')}; the report cannot be built.`,
      'Run the ingest and metrics steps first (chainwatch run), then build the report again.',
    );
  }
  return data;
}
