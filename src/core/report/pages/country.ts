import type { ChartSource } from '../charts/chart.ts';
import { countrySharesChart } from '../charts/country-shares.ts';
import { figureValue, formatShare, formatUsd, formatYearRuns, formatYears } from '../format.ts';
import { html } from '../html.ts';
import type { SiteModel, SupplierCountry } from '../model.ts';
import type { PagePlan } from '../page.ts';
import { paths, slug } from '../paths.ts';
import { seriesName } from '../sectors.ts';
import { sourceLink } from './parts.ts';

const GROUP_NAMES: Record<string, string> = {
  ALLY_2021_SC: 'allies named in the seed article',
  US_COVERED: 'US “covered nations” (countries of concern)',
  CHINA_HKG_MAC: 'China with Hong Kong and Macao',
};

/** One page per country that led US imports of some product in some year. */
export function countryPage(model: SiteModel, country: SupplierCountry): PagePlan {
  const shares = model.data.supplierShares.filter(
    (r) => r.partner_iso3 === country.iso3 && r.reporter_iso3 === 'USA' && r.flow === 'M',
  );
  const labels = new Map(model.products.map((p) => [p.hs6, p.label]));
  const sourceIds = [
    ...new Set(
      model.products
        .filter((p) => shares.some((s) => s.hs6 === p.hs6))
        .flatMap((p) => model.metricsOf(p.hs6).sourceIds),
    ),
  ].sort();
  const sources: ChartSource[] = sourceIds.map((sourceId) => ({
    sourceId,
    years: [...new Set(shares.map((s) => s.year))],
  }));
  const chart = countrySharesChart({
    id: `country-${slug(country.iso3)}-shares`,
    iso3: country.iso3,
    name: country.name,
    shares,
    labels,
    sources,
  });
  const groups = [
    ...new Set(model.data.partnerGroups.filter((g) => g.iso3 === country.iso3).map((g) => g.group_id)),
  ].sort();
  const production = model.data.productionShares
    .filter((r) => r.geo_iso3 === country.iso3)
    .reduce((latest, r) => {
      const key = `${r.commodity}|${r.measure}|${r.source_id}`;
      if (!latest.has(key) || latest.get(key)!.year < r.year) latest.set(key, r);
      return latest;
    }, new Map<string, (typeof model.data.productionShares)[number]>());
  const productionRows = [...production.values()].sort(
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
    sourceIds: [...sourceIds, ...productionRows.map((r) => r.source_id)],
    body: (ctx) => html`<h1>${country.name} <span class="code">${country.iso3}</span></h1>
<p class="lede">As a supplier of US imports: the largest supplier of ${country.led.length} product${country.led.length === 1 ? '' : 's'} in at least one year${groups.length ? html`; in the groups: ${groups.map((g, i) => html`${i > 0 ? ', ' : ''}${GROUP_NAMES[g] ?? g}`)}` : ''}.</p>
<section aria-labelledby="led"><h2 id="led">Products it led</h2>
<div class="table-scroll"><table>
<thead><tr><th scope="col">Product</th><th scope="col">Years as largest supplier</th><th scope="col">Latest year</th><th scope="col" class="num">Rank</th><th scope="col" class="num">Share</th><th scope="col" class="num">US imports from it</th></tr></thead>
<tbody>${country.led.map(({ hs6, years }) => {
      const latest = shares.filter((s) => s.hs6 === hs6).sort((a, b) => b.year - a.year)[0];
      return html`<tr><td><a href="${ctx.href(paths.product(hs6))}">${labels.get(hs6) ?? hs6}</a> <span class="code">HS ${hs6}</span></td><td>${formatYearRuns(years)}</td><td>${latest.year}</td><td class="num">${latest.rank}</td><td class="num">${figureValue(latest.share, formatShare(latest.share))}</td><td class="num">${figureValue(latest.value_usd, formatUsd(latest.value_usd))}</td></tr>`;
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
          html`<tr><td><a href="${ctx.href(paths.production(r.commodity))}">${seriesName(r.commodity, r.measure)}</a></td><td>${r.year}</td><td class="num">${figureValue(r.share, formatShare(r.share))}</td><td>${sourceLink(ctx, r.source_id)}</td></tr>`,
      )}</tbody>
</table></div></section>`
    : ''
}`,
  };
}

export function countriesIndexPage(model: SiteModel): PagePlan {
  return {
    path: paths.countriesIndex,
    title: 'Supplier countries',
    nav: 'countries',
    charts: [],
    sourceIds: [...new Set(model.products.flatMap((p) => model.metricsOf(p.hs6).sourceIds))].sort(),
    body: (ctx) => html`<h1>Supplier countries</h1>
<p class="lede">Every country that was the largest supplier of US imports of at least one product in at least one year, with a page of its own.</p>
<div class="table-scroll"><table>
<thead><tr><th scope="col">Country</th><th scope="col" class="num">Products led</th><th scope="col">Products</th><th scope="col">Years</th></tr></thead>
<tbody>${model.supplierCountries.map(
      (c) =>
        html`<tr><td><a href="${ctx.href(paths.country(c.iso3))}">${c.name}</a> <span class="code">${c.iso3}</span></td><td class="num">${c.led.length}</td><td>${c.led.map((l, i) => html`${i > 0 ? ', ' : ''}<a href="${ctx.href(paths.product(l.hs6))}">${l.hs6}</a>`)}</td><td>${formatYears(c.led.flatMap((l) => l.years))}</td></tr>`,
    )}</tbody>
</table></div>`,
  };
}
