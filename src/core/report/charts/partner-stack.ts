import type { SupplierShareRow } from '../../../../data-schemas/index.ts';
import { readShare, readUsd } from '../format.ts';
import type { ChartDef, ChartRow, ChartSource } from './chart.ts';
import { colourOf, OTHER_GREY } from './palette.ts';
import { baseSpec, usdAxisLabels, yearAxis } from './theme.ts';

const OTHER_ISO3 = 'OTHER';
const OTHER_NAME = 'All other countries';

export interface PartnerStackInput {
  id: string;
  productLabel: string;
  hs6: string;
  /** supplier_shares rows of one product (one reporter, one flow), all years. */
  shares: readonly SupplierShareRow[];
  /** The suppliers drawn as their own bars, largest first (sql/report/product_top_partners.sql). */
  top: readonly string[];
  sources: ChartSource[];
  /** A trade year as the takeaway says it (the latest annual year is "2025 (provisional)"). */
  yearText(year: number): string;
}

/**
 * US imports of one product by supplier over time: the product's top suppliers (by value over the
 * whole series, ties by ISO3) as their own bars, everyone else summed into "all other countries".
 * The rows are exactly the stacked segments, so the CSV re-adds to each year's total.
 */
export function partnerStackChart(input: PartnerStackInput): ChartDef {
  const { top } = input;
  // One name per country (its latest spelling), so the legend and the CSV agree across years.
  const names = new Map(input.shares.map((r) => [r.partner_iso3, r.partner_name]));

  const rows: ChartRow[] = [];
  const years = [...new Set(input.shares.map((r) => r.year))].sort((a, b) => a - b);
  for (const year of years) {
    const cell = input.shares.filter((r) => r.year === year);
    top.forEach((iso3, i) => {
      const r = cell.find((c) => c.partner_iso3 === iso3);
      if (r)
        rows.push({
          year,
          series_rank: i + 1,
          partner_iso3: iso3,
          partner_name: names.get(iso3)!,
          value_usd: r.value_usd,
          share: r.share,
        });
    });
    const rest = cell.filter((c) => !top.includes(c.partner_iso3));
    if (rest.length > 0) {
      rows.push({
        year,
        series_rank: top.length + 1,
        partner_iso3: OTHER_ISO3,
        partner_name: OTHER_NAME,
        value_usd: rest.reduce((s, r) => s + r.value_usd, 0),
        share: rest.reduce((s, r) => s + r.share, 0),
      });
    }
  }

  const latest = years.at(-1);
  const leader = input.shares.find((r) => r.year === latest && r.rank === 1);
  const latestTotal = input.shares.filter((r) => r.year === latest).reduce((s, r) => s + r.value_usd, 0);
  const takeaway = leader
    ? `In ${input.yearText(latest!)} the largest supplier was ${leader.partner_name}, with ${readShare(leader.share)} of ${readUsd(latestTotal)} of US imports.`
    : 'No supplier rows for this product.';
  const legend = [...top.map((iso3) => names.get(iso3)!), OTHER_NAME];
  const title = 'US imports by supplier';
  const subtitle = `${input.productLabel} (HS ${input.hs6}), US dollars`;
  const description = `Stacked bar chart of US imports of ${input.productLabel} (HS ${input.hs6}) in US dollars by year, ${years[0]} to ${latest}, with the ${top.length} largest suppliers over the period and all other countries combined.`;

  return {
    id: input.id,
    title,
    description,
    takeaway,
    sources: input.sources,
    tables: ['supplier_shares'],
    columns: ['year', 'series_rank', 'partner_iso3', 'partner_name', 'value_usd', 'share'],
    rows,
    countries: [...top],
    spec: (colours, size) => ({
      ...baseSpec(title, subtitle, description, size),
      data: { values: rows },
      mark: { type: 'bar', stroke: 'white', strokeWidth: 0.5 },
      encoding: {
        x: { field: 'year', type: 'ordinal', axis: yearAxis },
        y: {
          field: 'value_usd',
          type: 'quantitative',
          stack: 'zero',
          axis: { title: 'US imports (USD)', format: '$.2~s', labelExpr: usdAxisLabels },
        },
        color: {
          field: 'partner_name',
          type: 'nominal',
          title: null,
          scale: { domain: legend, range: [...top.map((iso3) => colourOf(colours, iso3)), OTHER_GREY] },
          legend: { orient: 'bottom', columns: size.legendColumns },
        },
        order: { field: 'series_rank', type: 'quantitative', sort: 'ascending' },
      },
    }),
  };
}
