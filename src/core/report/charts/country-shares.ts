import type { SupplierShareRow } from '../../../../data-schemas/index.ts';
import { readShare } from '../format.ts';
import { COUNTRY_PRODUCTS_DRAWN } from '../thresholds.ts';
import type { ChartDef, ChartRow, ChartSource } from './chart.ts';
import { colourOf } from './palette.ts';
import { baseSpec, categoryAxis, shareAxis } from './theme.ts';

export interface CountrySharesInput {
  id: string;
  iso3: string;
  name: string;
  /** The country's supplier_shares row of each product it supplies, in the product's latest year with imports from it. */
  latest: readonly Pick<SupplierShareRow, 'hs6' | 'year' | 'rank' | 'value_usd' | 'share'>[];
  /** Product labels by HS6. */
  labels: ReadonlyMap<string, string>;
  sources: ChartSource[];
  /** A trade year as the takeaway says it (the latest annual year is "2025 (provisional)"). */
  yearText(year: number): string;
}

/**
 * One supplier country across products: its share of US imports of each product in that product's
 * latest year, largest first, in the country's own site-wide colour. The chart draws the
 * COUNTRY_PRODUCTS_DRAWN largest; its rows (the data table, CSV and JSON) are every product.
 */
export function countrySharesChart(input: CountrySharesInput): ChartDef {
  const rows: ChartRow[] = [...input.latest]
    .sort((a, b) => b.share - a.share || a.hs6.localeCompare(b.hs6))
    .map((r) => ({
      product: `${input.labels.get(r.hs6) ?? r.hs6} (${r.hs6})`,
      hs6: r.hs6,
      year: r.year,
      rank: r.rank,
      value_usd: r.value_usd,
      share: r.share,
    }));
  const top = rows[0];
  const led = rows.filter((r) => r.rank === 1).length;
  const title = `US imports from ${input.name}: share by product`;
  const drawn = rows.slice(0, COUNTRY_PRODUCTS_DRAWN);
  const subtitle =
    drawn.length < rows.length
      ? `Share of US imports of a product, in its latest year: the ${drawn.length} largest of ${rows.length} (all in the data table)`
      : 'Share of US imports of each product, in its latest year';
  const description = `Bar chart of ${input.name}’s share of US imports of ${drawn.length < rows.length ? `the ${drawn.length} products with the largest shares, of ${rows.length},` : `${rows.length} products,`} each in its latest year, largest first.`;
  return {
    id: input.id,
    title,
    description,
    takeaway: top
      ? `${input.name} supplied ${readShare(Number(top.share))} of US imports of ${top.product} in ${input.yearText(Number(top.year))}, and was the largest supplier of ${led} of ${rows.length} products in their latest year.`
      : `No US imports from ${input.name} in the lake.`,
    sources: input.sources,
    tables: ['supplier_shares'],
    columns: ['product', 'hs6', 'year', 'rank', 'value_usd', 'share'],
    rows,
    countries: [input.iso3],
    spec: (colours, size) => ({
      ...baseSpec(title, subtitle, description, size, Math.max(60, drawn.length * 24)),
      data: { values: drawn },
      mark: { type: 'bar', height: { band: 0.75 }, color: colourOf(colours, input.iso3) },
      encoding: {
        y: {
          field: 'product',
          type: 'nominal',
          sort: null,
          axis: categoryAxis(
            drawn.map((r) => String(r.product)),
            size,
          ),
        },
        x: { field: 'share', type: 'quantitative', scale: { domain: [0, 1] }, axis: shareAxis },
      },
    }),
  };
}
