import type { ProductionShareRow, SupplierShareRow } from '../../../../data-schemas/index.ts';
import type { ChartSource } from '../charts/chart.ts';
import { countrySharesChart } from '../charts/country-shares.ts';
import { estimatedYear, figureValue, formatShare, formatUsd, formatYearRuns, formatYears } from '../format.ts';
import { html } from '../html.ts';
import type { SiteModel } from '../model.ts';
import type { PagePlan } from '../page.ts';
import type { PageFamily, PageRows } from '../page-data.ts';
import { paths, slug } from '../paths.ts';
import { seriesName } from '../sectors.ts';
import type { Product } from './product.ts';
import { sourceLink } from './parts.ts';

const GROUP_NAMES: Record<string, string> = {
  ALLY_2021_SC: 'allies named in the seed article',
  US_COVERED: 'US “covered nations” (countries of concern)',
  CHINA_HKG_MAC: 'China with Hong Kong and Macao',
};

/**
 * One page per country that led US imports of some product in some year. The country family's
 * queries (sql/report/country_*.sql, ordered by ISO3) give the product-years it led, its latest
 * figures for every product it supplies, the years it supplied, and its share of world production.
 */
export const countryFamily = {
  key: 'iso3',
  queries: {
    led: 'country_led',
    products: 'country_products',
    years: 'country_years',
    production: 'country_production',
  },
} satisfies PageFamily<string>;

export type CountryRows = PageRows<keyof typeof countryFamily.queries>;

/** A country that was the largest supplier of at least one product in at least one year. */
export interface SupplierCountry {
  iso3: string;
  name: string;
  /** Product-years it led, by product. */
  led: { hs6: string; years: number[] }[];
}

/** The supplier country a page is about; null for a key without led rows (none: every query keeps to leaders). */
export function supplierCountryOf(model: SiteModel, { key, rows }: CountryRows): SupplierCountry | null {
  const led = rows.led as unknown as { hs6: string; year: number }[];
  if (led.length === 0) return null;
  const byProduct = new Map<string, number[]>();
  for (const r of led) byProduct.set(r.hs6, [...(byProduct.get(r.hs6) ?? []), r.year]);
  return {
    iso3: key,
    name: model.countryName(key),
    led: [...byProduct]
      .map(([hs6, years]) => ({ hs6, years: years.sort((a, b) => a - b) }))
      .sort((a, b) => a.hs6.localeCompare(b.hs6)),
  };
}

/** Countries in the order the index lists them: by name, then ISO3. */
export const compareCountries = (a: SupplierCountry, b: SupplierCountry): number =>
  a.name.localeCompare(b.name) || a.iso3.localeCompare(b.iso3);

/** One page per country that led US imports of some product in some year. */
export function countryPage(
  model: SiteModel,
  country: SupplierCountry,
  products: ReadonlyMap<string, Product>,
  page: CountryRows,
): PagePlan {
  const latest = page.rows.products as unknown as Pick<
    SupplierShareRow,
    'hs6' | 'year' | 'rank' | 'value_usd' | 'share'
  >[];
  const years = (page.rows.years as unknown as { year: number }[]).map((r) => r.year);
  const labels = new Map([...products.values()].map((p) => [p.hs6, p.label]));
  const sourceIds = [...new Set(latest.flatMap((r) => products.get(r.hs6)?.sourceIds ?? []))].sort();
  const sources: ChartSource[] = sourceIds.map((sourceId) => ({ sourceId, years }));
  const chart = countrySharesChart({
    id: `country-${slug(country.iso3)}-shares`,
    iso3: country.iso3,
    name: country.name,
    latest,
    labels,
    sources,
    yearText: model.tradeYear,
  });
  const codeNote = model.countryNote(country.iso3);
  const groups = [...new Set(model.partnerGroups.filter((g) => g.iso3 === country.iso3).map((g) => g.group_id))].sort();
  const productionRows = (
    page.rows.production as unknown as Pick<
      ProductionShareRow,
      'commodity' | 'measure' | 'source_id' | 'year' | 'share' | 'is_estimate'
    >[]
  ).sort(
    (a, b) =>
      a.commodity.localeCompare(b.commodity) ||
      a.measure.localeCompare(b.measure) ||
      a.source_id.localeCompare(b.source_id),
  );

  return {
    path: paths.country(country.iso3),
    title: country.name,
    nav: 'countries',
    charts: chart.rows.length ? [chart] : [],
    sourceIds: [...sourceIds, ...productionRows.map((r) => r.source_id), ...(codeNote ? [codeNote.sourceId] : [])],
    body: (ctx) => html`<h1>${country.name} <span class="code">${country.iso3}</span></h1>
<p class="lede">As a supplier of US imports: the largest supplier of ${country.led.length} product${country.led.length === 1 ? '' : 's'} in at least one year${groups.length ? html`; in the groups: ${groups.map((g, i) => html`${i > 0 ? ', ' : ''}${GROUP_NAMES[g] ?? g}`)}` : ''}.</p>
${codeNote ? html`<p class="note" id="trade-code">How the trade data name it: ${codeNote.note} (${sourceLink(ctx, codeNote.sourceId)}).</p>` : ''}
<section aria-labelledby="led"><h2 id="led">Products it led</h2>
<div class="table-scroll"><table>
<thead><tr><th scope="col">Product</th><th scope="col">Years as largest supplier</th><th scope="col">Latest year</th><th scope="col" class="num">Rank</th><th scope="col" class="num">Share</th><th scope="col" class="num">US imports from it</th></tr></thead>
<tbody>${country.led.map(({ hs6, years: led }) => {
      const last = latest.find((s) => s.hs6 === hs6)!;
      return html`<tr><td><a href="${ctx.href(paths.product(hs6))}">${labels.get(hs6) ?? hs6}</a> <span class="code">HS ${hs6}</span></td><td>${formatYearRuns(led)}</td><td>${model.tradeYear(last.year)}</td><td class="num">${last.rank}</td><td class="num">${figureValue(last.share, formatShare(last.share))}</td><td class="num">${figureValue(last.value_usd, formatUsd(last.value_usd))}</td></tr>`;
    })}</tbody>
</table></div></section>
${chart.rows.length ? html`<section aria-labelledby="all-products"><h2 id="all-products">Every product it supplies</h2>${ctx.figure(chart)}</section>` : ''}
${
  productionRows.length
    ? html`<section aria-labelledby="production"><h2 id="production">Share of world production, capacity and reserves</h2>
<div class="table-scroll"><table>
<thead><tr><th scope="col">Series</th><th scope="col">Year</th><th scope="col" class="num">Share of world</th><th scope="col">Source</th></tr></thead>
<tbody>${productionRows.map(
        (r) =>
          html`<tr><td><a href="${ctx.href(paths.production(r.commodity))}">${seriesName(r.commodity, r.measure)}</a></td><td>${estimatedYear(r.year, r.is_estimate)}</td><td class="num">${figureValue(r.share, formatShare(r.share))}</td><td>${sourceLink(ctx, r.source_id)}</td></tr>`,
      )}</tbody>
</table></div></section>`
    : ''
}`,
  };
}

/** Every supplier country with a page; `sourceIds`: the sources of every product page. */
export function countriesIndexPage(countries: readonly SupplierCountry[], sourceIds: readonly string[]): PagePlan {
  return {
    path: paths.countriesIndex,
    title: 'Supplier countries',
    nav: 'countries',
    charts: [],
    sourceIds: [...sourceIds],
    body: (ctx) => html`<h1>Supplier countries</h1>
<p class="lede">Every country that was the largest supplier of US imports of at least one product in at least one year, with a page of its own.</p>
<div class="table-scroll"><table>
<thead><tr><th scope="col">Country</th><th scope="col" class="num">Products led</th><th scope="col">Products</th><th scope="col">Years</th></tr></thead>
<tbody>${countries.map(
      (c) =>
        html`<tr><td><a href="${ctx.href(paths.country(c.iso3))}">${c.name}</a> <span class="code">${c.iso3}</span></td><td class="num">${c.led.length}</td><td>${c.led.map((l, i) => html`${i > 0 ? ', ' : ''}<a href="${ctx.href(paths.product(l.hs6))}">${l.hs6}</a>`)}</td><td>${formatYears(c.led.flatMap((l) => l.years))}</td></tr>`,
    )}</tbody>
</table></div>`,
  };
}
