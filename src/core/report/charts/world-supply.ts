import { formatShare } from '../format.ts';
import type { ChartDef, ChartRow, ChartSource } from './chart.ts';
import { measureLinesSpec, type MeasureLine } from './share-lines.ts';
import { baseSpec } from './theme.ts';

/** One year of a product's world supply (product_world_supply.sql). */
export interface WorldSupplyYear {
  year: number;
  world_china_share: number;
  world_cr1: number;
  world_cr3: number;
  world_top_iso3: string;
  /** China's share of US imports of the product; null without a dependency row for the year. */
  us_china_share: number | null;
}

export interface WorldSupplyInput {
  id: string;
  productLabel: string;
  hs6: string;
  /** What the world figures are of: "HS6 850511" or "HS4 heading 2846". */
  worldProduct: string;
  years: readonly WorldSupplyYear[];
  sources: ChartSource[];
}

const LINES = {
  china: { label: 'China, share of world exports', colour: '#D55E00', dash: [] },
  us: { label: 'China, share of US imports', colour: '#D55E00', dash: [6, 3] },
  cr1: { label: 'Largest exporter (CR1)', colour: 'currentColor', dash: [2, 2] },
  cr3: { label: 'Three largest exporters (CR3)', colour: '#0072B2', dash: [] },
} satisfies Record<string, MeasureLine>;

/**
 * The two sides of supply: China's share of world exports of a product beside its share of US
 * imports, with the largest and three largest exporters' shares of world exports (world_supply).
 */
export function worldSupplyChart(input: WorldSupplyInput): ChartDef {
  const rows: ChartRow[] = input.years.flatMap((y) => [
    { year: y.year, measure: LINES.china.label, share: y.world_china_share },
    ...(y.us_china_share === null ? [] : [{ year: y.year, measure: LINES.us.label, share: y.us_china_share }]),
    { year: y.year, measure: LINES.cr1.label, share: y.world_cr1 },
    { year: y.year, measure: LINES.cr3.label, share: y.world_cr3 },
  ]);
  const [first, last] = [input.years[0], input.years.at(-1)];
  const takeaway =
    first && last
      ? `China’s share of world exports of ${input.worldProduct}: ${formatShare(first.world_china_share)} in ${first.year}, ${formatShare(last.world_china_share)} in ${last.year}${last.us_china_share === null ? '' : `; its share of US imports in ${last.year}: ${formatShare(last.us_china_share)}`}.`
      : 'No world supply rows for this product.';
  const title = 'World supply and US imports: China’s share';
  const subtitle = `${input.productLabel} (HS ${input.hs6}); world exports of ${input.worldProduct} by exporting country`;
  const description = `Line chart per year, 0 to 100 percent: ${Object.values(LINES)
    .map((l) => l.label)
    .join('; ')}, for ${input.productLabel} (HS ${input.hs6}).`;
  return {
    id: input.id,
    title,
    description,
    takeaway,
    sources: input.sources,
    tables: ['world_supply', 'dependency'],
    columns: ['year', 'measure', 'share'],
    rows,
    countries: [],
    spec: (_colours, size) =>
      measureLinesSpec(baseSpec(title, subtitle, description, size), rows, Object.values(LINES)),
  };
}
