import type { ChartDef } from '../charts/chart.ts';
import { productionBarsChart } from '../charts/production-bars.ts';
import { productionSharesChart } from '../charts/production-shares.ts';
import { stageCr3Chart } from '../charts/stage-cr3.ts';
import { figureValue, formatHhi, formatPeriod, formatPublished, formatShare } from '../format.ts';
import { sectorHeadlines } from '../headlines.ts';
import { html } from '../html.ts';
import type { Sector, SiteModel } from '../model.ts';
import type { PagePlan } from '../page.ts';
import { paths, slug } from '../paths.ts';
import { seriesKey, worldShareSeries } from '../production-series.ts';
import { humanize, seriesName } from '../sectors.ts';
import { headlineCards, note, sourceLink } from './parts.ts';

/** Countries drawn per production chart; the CSV of the chart has exactly these. */
const MAX_GEOS = 6;
/** Fewer figures than this make a poor chart; they are listed in the published-figures table instead. */
const MIN_CHART_ROWS = 3;
/** A top-3 share over fewer countries than this says nothing about concentration. */
const MIN_COUNTRIES_FOR_CR3 = 3;
/** Supply-chain stages in the IEA-style concentration chart (reserves and demand are not production). */
const CR3_STAGES = ['mining', 'refining', 'manufacturing'];

export function sectorPage(model: SiteModel, sector: Sector): PagePlan {
  const { groups, duplicates } = worldShareSeries(model.data.productionShares, sector.id);
  const drawn = groups.filter((g) => g.rows.length >= MIN_CHART_ROWS);
  const charts: ChartDef[] = drawn.map((g) => {
    const input = {
      id: `sector-${slug(sector.id)}-${slug(g.commodity)}-${slug(g.measure)}`,
      subject: seriesName(g.commodity, g.measure),
      rows: g.rows,
      maxGeos: MAX_GEOS,
    };
    return new Set(g.rows.map((r) => r.year)).size > 1 ? productionSharesChart(input) : productionBarsChart(input);
  });
  const drawnKeys = new Set(drawn.map(seriesKey));
  const cr3Rows = model.data.productionConcentration.filter(
    (r) => r.sector === sector.id && CR3_STAGES.includes(r.stage) && drawnKeys.has(seriesKey(r)) && r.n_countries >= MIN_COUNTRIES_FOR_CR3,
  );
  if (cr3Rows.length > 0) charts.push(stageCr3Chart({ id: `sector-${slug(sector.id)}-cr3`, sectorLabel: sector.label, rows: cr3Rows }));

  const headlines = sectorHeadlines(model, sector.id);
  const products = model.productsOf(sector.id);
  const published = model.data.production
    .filter((r) => r.sector === sector.id && !drawnKeys.has(seriesKey(r)) && !duplicates.has(seriesKey(r)))
    .sort((a, b) => a.commodity.localeCompare(b.commodity) || a.measure.localeCompare(b.measure) || a.geo_name.localeCompare(b.geo_name) || a.period.localeCompare(b.period) || a.source_id.localeCompare(b.source_id));
  const publishedSources = [...new Set(published.map((r) => r.source_id))].sort();
  const secondary = publishedSources.filter((id) => model.source(id)?.is_secondary);
  const basketWithoutTrade = model.data.basket.filter((b) => b.sector === sector.id && !products.some((p) => p.hs6 === b.hs6));
  const gaps = [
    basketWithoutTrade.length > 0 &&
      html`<li>No US import data in the lake for ${basketWithoutTrade.length === 1 ? 'one basket product' : `${basketWithoutTrade.length} basket products`}: ${basketWithoutTrade.map((b, i) => html`${i > 0 ? ', ' : ''}${b.label} (HS ${b.hs6})`)}.</li>`,
    drawn.length === 0 && html`<li>No production or capacity series from which world shares can be drawn.</li>`,
    secondary.length > 0 &&
      html`<li>${secondary.length} of the ${publishedSources.length} sources of the published figures below were seen only in a secondary restatement: ${secondary.join(', ')}.</li>`,
    published.some((r) => r.is_projection) && html`<li>Some published figures are projections, not observations; they are marked below.</li>`,
  ].filter((g) => g !== false);

  return {
    path: paths.sector(sector.id),
    title: sector.label,
    nav: `sector:${sector.id}`,
    charts,
    sourceIds: [...new Set([...headlines.flatMap((h) => h.figures.flatMap((f) => f.sourceIds)), ...publishedSources, ...products.flatMap((p) => model.metricsOf(p.hs6).sourceIds)])].sort(),
    body: (ctx) => html`<h1>${sector.label}</h1>
${sector.intro ? html`<p class="lede">${sector.intro}</p>` : ''}
${headlines.length > 0 ? html`<section aria-labelledby="headlines"><h2 id="headlines">Headline figures</h2>${headlineCards(ctx, headlines, false)}</section>` : ''}
${gaps.length > 0 ? note('What the data does not cover', html`<ul>${gaps}</ul>`) : ''}
${charts.length > 0 ? html`<section aria-labelledby="production"><h2 id="production">Production and capacity</h2>${charts.map((c) => ctx.figure(c))}</section>` : ''}
${
  products.length > 0
    ? html`<section aria-labelledby="products"><h2 id="products">US imports by product</h2>
<div class="table-scroll"><table>
<thead><tr><th scope="col">HS6</th><th scope="col">Product</th><th scope="col">Year</th><th scope="col" class="num">HHI</th><th scope="col" class="num">Top supplier (CR1)</th><th scope="col" class="num">China</th><th scope="col" class="num">China incl. HK, Macao</th></tr></thead>
<tbody>${products.map((p) => {
        const m = model.metricsOf(p.hs6);
        const c = m.concentration.at(-1);
        const d = m.dependency.find((r) => r.year === c?.year);
        const top = m.shares.find((s) => s.year === c?.year && s.rank === 1);
        return html`<tr><td><a href="${ctx.href(paths.product(p.hs6))}">${p.hs6}</a></td><td>${p.label}</td><td>${c?.year ?? ''}</td>
<td class="num">${c ? figureValue(c.hhi, formatHhi(c.hhi)) : ''}</td>
<td class="num">${c ? html`${figureValue(c.cr1, formatShare(c.cr1))} <span class="when">${top?.partner_name ?? c.top_supplier_iso3}</span>` : ''}</td>
<td class="num">${d ? figureValue(d.china_share, formatShare(d.china_share)) : ''}</td>
<td class="num">${d ? figureValue(d.china_hkg_share, formatShare(d.china_hkg_share)) : ''}</td></tr>`;
      })}</tbody>
</table></div></section>`
    : ''
}
${
  published.length > 0
    ? html`<section aria-labelledby="published"><h2 id="published">Published figures</h2>
<p>Figures as the sources state them that no chart on this page draws: shares of another base (such as US imports), US statistics, single figures, projections. Each row keeps its source’s period, unit, qualifier and note.</p>
<details${charts.length === 0 ? html` open` : ''}><summary>${published.length} published figures</summary>
<div class="table-scroll"><table class="published">
<thead><tr><th scope="col">Measure</th><th scope="col">Geography</th><th scope="col">Period</th><th scope="col" class="num">Value</th><th scope="col">Source</th><th scope="col">Note</th></tr></thead>
<tbody>${published.map(
        (r) => html`<tr><td>${humanize(r.measure)}${r.is_projection ? html` <em>(projection)</em>` : ''}</td><td>${r.geo_name}</td><td>${formatPeriod(r.period)}</td>
<td class="num">${r.value === null ? formatPublished(r.value, r.unit, r.qualifier) : figureValue(r.value, formatPublished(r.value, r.unit, r.qualifier))}</td><td>${sourceLink(ctx, r.source_id)}</td><td class="small">${r.note ?? ''}</td></tr>`,
      )}</tbody>
</table></div></details></section>`
    : ''
}`,
  };
}
