import { shortCitation } from '../citations.ts';
import type { BasketRow, ProductionConcentrationRow, ProductionRow } from '../../../../data-schemas/index.ts';
import type { ChartDef } from '../charts/chart.ts';
import { stageCr3Chart } from '../charts/stage-cr3.ts';
import { largestInOneSource } from '../charts/production-shares.ts';
import { estimatedYear, figureValue, formatHhi, formatPeriod, formatPublished, formatShare } from '../format.ts';
import { importsHeadline, type Headline } from '../headlines.ts';
import { html } from '../html.ts';
import type { Sector, SiteModel } from '../model.ts';
import type { PagePlan } from '../page.ts';
import type { PageFamily, PageRows } from '../page-data.ts';
import { paths, slug } from '../paths.ts';
import { seriesKey, type ShareSeriesGroup } from '../production-series.ts';
import { humanize, seriesName } from '../sectors.ts';
import type { Product } from './product.ts';
import { byTableOrder } from './production.ts';
import { headlineCards, note, sourceLink } from './parts.ts';

/**
 * One page per sector. Its own queries (sql/report/sector_*.sql, ordered by sector) give the
 * production table's figures for the sector and the basket's products; its world-share series come
 * from the commodity pages (SectorProduction) and its products from the product pages.
 */
export const sectorFamily = {
  key: 'sector',
  queries: { production: 'sector_production', basket: 'sector_basket' },
} satisfies PageFamily<string>;

export type SectorRows = PageRows<keyof typeof sectorFamily.queries>;

/** A drawn series as the sector page lists it: its latest year and the largest country then, within one source. */
interface SeriesLink extends Pick<ShareSeriesGroup, 'commodity' | 'measure' | 'stage'> {
  latest: number;
  leader: { geo_name: string; share: number; is_estimate: boolean };
  /** How many countries that source gives for the year: one is no "largest". */
  compared: number;
}

/** What the commodity pages found for one sector: drawn series, duplicate series, headline figures, CR3 rows. */
export interface SectorProduction {
  drawn: SeriesLink[];
  duplicates: Set<string>;
  /** Headlines of the sector's mining and refining series, in series order. */
  headlines: Headline[];
  cr3: ProductionConcentrationRow[];
}

export const emptySectorProduction = (): SectorProduction => ({
  drawn: [],
  duplicates: new Set(),
  headlines: [],
  cr3: [],
});

/** A drawn series' link: its latest year and the country with the largest share then, among one source's figures. */
export function seriesLink(g: ShareSeriesGroup): SeriesLink {
  const latest = Math.max(...g.rows.map((r) => r.year));
  const { leader, compared } = largestInOneSource(g.rows.filter((r) => r.year === latest));
  return { commodity: g.commodity, measure: g.measure, stage: g.stage, latest, leader, compared };
}

/** A sector's headline figures: its mining and refining series, then China's share of its US imports. */
export const sectorHeadlines = (
  sector: Sector,
  production: SectorProduction,
  products: readonly Product[],
  provisionalYear: number | null,
): Headline[] => {
  const imports = importsHeadline(sector, products, provisionalYear);
  return imports ? [...production.headlines, imports] : production.headlines;
};

/**
 * A sector at a glance: headline figures, concentration by supply-chain stage, links to the
 * production pages of its commodities, its traded products, and the published figures no chart draws.
 */
export function sectorPage(
  model: SiteModel,
  sector: Sector,
  products: readonly Product[],
  production: SectorProduction,
  page: SectorRows,
): PagePlan {
  const { drawn, duplicates } = production;
  const drawnKeys = new Set(drawn.map(seriesKey));
  const stageRows = [...production.cr3].sort(byTableOrder);
  const charts: ChartDef[] =
    stageRows.length > 0
      ? [stageCr3Chart({ id: `sector-${slug(sector.id)}-cr3`, sectorLabel: sector.label, rows: stageRows })]
      : [];

  const headlines = sectorHeadlines(sector, production, products, model.asOf.provisionalTradeYear);
  const published = (page.rows.production as unknown as ProductionRow[])
    .filter((r) => !drawnKeys.has(seriesKey(r)) && !duplicates.has(seriesKey(r)))
    .sort(
      (a, b) =>
        a.commodity.localeCompare(b.commodity) ||
        a.measure.localeCompare(b.measure) ||
        a.geo_name.localeCompare(b.geo_name) ||
        a.period.localeCompare(b.period) ||
        a.source_id.localeCompare(b.source_id),
    );
  const publishedSources = [...new Set(published.map((r) => r.source_id))].sort();
  const secondary = publishedSources.filter((id) => model.source(id)?.is_secondary);
  const basketWithoutTrade = (page.rows.basket as unknown as BasketRow[]).filter(
    (b) => !products.some((p) => p.hs6 === b.hs6),
  );
  const gaps = [
    basketWithoutTrade.length > 0 &&
      html`<li>No US import data in the lake for ${basketWithoutTrade.length === 1 ? 'one basket product' : `${basketWithoutTrade.length} basket products`}: ${basketWithoutTrade.map((b, i) => html`${i > 0 ? ', ' : ''}${b.label} (HS ${b.hs6})`)}.</li>`,
    drawn.length === 0 && html`<li>No production or capacity series from which world shares can be drawn.</li>`,
    secondary.length > 0 &&
      html`<li>${secondary.length} of the ${publishedSources.length} sources of the published figures below were seen only in a secondary restatement: ${secondary.map((id) => shortCitation(model.source(id)!)).join('; ')}.</li>`,
    published.some((r) => r.is_projection) &&
      html`<li>Some published figures are projections, not observations; they are marked below.</li>`,
  ].filter((g) => g !== false);

  return {
    path: paths.sector(sector.id),
    title: sector.label,
    nav: `sector:${sector.id}`,
    charts,
    sourceIds: [
      ...new Set([
        ...headlines.flatMap((h) => h.figures.flatMap((f) => f.sourceIds)),
        ...publishedSources,
        ...products.flatMap((p) => p.sourceIds),
      ]),
    ].sort(),
    body: (ctx) => html`<h1>${sector.label}</h1>
${sector.intro ? html`<p class="lede">${sector.intro}</p>` : ''}
${sector.tradeCaveat ? note('What the import figures do not measure', html`<p>${sector.tradeCaveat}</p>`) : ''}
${headlines.length > 0 ? html`<section aria-labelledby="headlines"><h2 id="headlines">Headline figures</h2>${headlineCards(ctx, headlines, false)}</section>` : ''}
${gaps.length > 0 ? note('What the data does not cover', html`<ul>${gaps}</ul>`) : ''}
${
  drawn.length > 0
    ? html`<section aria-labelledby="production"><h2 id="production">Production and capacity</h2>
${charts.map((c) => ctx.figure(c))}
<p>Share of world by country over time, series by series:</p>
<ul class="series-links">${drawn.map(({ latest, leader, compared, ...g }) => {
        const year = estimatedYear(latest, leader.is_estimate);
        const share = figureValue(leader.share, formatShare(leader.share));
        return html`<li><a href="${ctx.href(paths.production(g.commodity))}">${seriesName(g.commodity, g.measure)}</a> <span class="small">(${g.stage}; ${compared > 1 ? html`largest in ${year}: ${leader.geo_name}, ${share}` : html`${year}: ${leader.geo_name}, ${share}, the only country its source gives`})</span></li>`;
      })}</ul></section>`
    : ''
}
${
  products.length > 0
    ? html`<section aria-labelledby="products"><h2 id="products">US imports by product</h2>
<div class="table-scroll"><table>
<thead><tr><th scope="col">HS6</th><th scope="col">Product</th><th scope="col">Year</th><th scope="col" class="num">HHI</th><th scope="col" class="num">Top supplier (CR1)</th><th scope="col" class="num">China</th><th scope="col" class="num">China incl. HK, Macao</th></tr></thead>
<tbody>${products.map((p) => {
        const c = p.latest;
        const d = c?.has_dependency ? c : undefined;
        return html`<tr><td><a href="${ctx.href(paths.product(p.hs6))}">${p.hs6}</a></td><td>${p.label}</td><td>${c ? model.tradeYear(c.year) : ''}</td>
<td class="num">${c ? figureValue(c.hhi, formatHhi(c.hhi)) : ''}</td>
<td class="num">${c ? html`${figureValue(c.cr1, formatShare(c.cr1))} <span class="when">${c.top_supplier_name ?? c.top_supplier_iso3}</span>` : ''}</td>
<td class="num">${d ? figureValue(d.china_share!, formatShare(d.china_share!)) : ''}</td>
<td class="num">${d ? figureValue(d.china_hkg_share!, formatShare(d.china_hkg_share!)) : ''}</td></tr>`;
      })}</tbody>
</table></div></section>`
    : ''
}
${
  published.length > 0
    ? html`<section aria-labelledby="published"><h2 id="published">Published figures</h2>
<p>Figures as the sources state them that no chart on this page draws: shares of another base (such as US imports), US statistics, single figures, projections. Each row keeps its source’s period, unit, qualifier and note.</p>
<details${drawn.length === 0 ? html` open` : ''}><summary>${published.length} published figures</summary>
<div class="table-scroll"><table class="published">
<thead><tr><th scope="col">Measure</th><th scope="col">Geography</th><th scope="col">Period</th><th scope="col" class="num">Value</th><th scope="col">Source</th><th scope="col">Note</th></tr></thead>
<tbody>${published.map(
        (
          r,
        ) => html`<tr><td>${humanize(r.measure)}${r.is_projection ? html` <em>(projection)</em>` : ''}</td><td>${r.geo_name}</td><td>${formatPeriod(r.period)}</td>
<td class="num">${r.value === null ? formatPublished(r.value, r.unit, r.qualifier) : figureValue(r.value, formatPublished(r.value, r.unit, r.qualifier))}</td><td>${sourceLink(ctx, r.source_id)}</td><td class="small">${r.note ?? ''}</td></tr>`,
      )}</tbody>
</table></div></details></section>`
    : ''
}`,
  };
}
