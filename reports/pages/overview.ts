import { figureValue, formatHhi, formatShare } from '../format.ts';
import { seedHeadlines, sectorHeadlines } from '../headlines.ts';
import { html } from '../html.ts';
import type { SiteModel } from '../model.ts';
import type { PagePlan } from '../page.ts';
import { paths } from '../paths.ts';
import { headlineCards } from './parts.ts';

/** How many products the "most concentrated" list shows. */
const MOST_CONCENTRATED = 5;

export function overviewPage(model: SiteModel): PagePlan {
  const seed = seedHeadlines(model);
  const bySector = model.sectors.map((s) => ({ sector: s, headlines: sectorHeadlines(model, s.id) }));
  const latest = model.products
    .map((p) => ({ product: p, c: model.metricsOf(p.hs6).concentration.at(-1) }))
    .filter((x) => x.c !== undefined)
    .sort((a, b) => b.c!.hhi - a.c!.hhi || a.product.hs6.localeCompare(b.product.hs6))
    .slice(0, MOST_CONCENTRATED);
  const headlineSources = [...seed, ...bySector.flatMap((s) => s.headlines)].flatMap((h) => h.figures.flatMap((f) => f.sourceIds));

  return {
    path: paths.overview,
    title: 'Overview',
    nav: 'overview',
    charts: [],
    sourceIds: [...new Set([...headlineSources, ...latest.flatMap((x) => model.metricsOf(x.product.hs6).sourceIds)])].sort(),
    body: (ctx) => html`<h1>How dependent is the United States on a few suppliers?</h1>
<p class="lede">Trade and production statistics for critical supply chains — ${model.sectors.map((s) => s.label).join(', ')} — with every figure traced to its source. Shares of world capacity come from published reports; import concentration is computed from US import statistics by supplier country.</p>
<section aria-labelledby="chips"><h2 id="chips">Chip manufacturing capacity</h2>
${headlineCards(ctx, seed, true)}
</section>
<section aria-labelledby="sectors"><h2 id="sectors">By sector</h2>
${bySector.map(
  ({ sector, headlines }) => html`<section class="sector-block" aria-labelledby="sector-${sector.id}">
<h3 id="sector-${sector.id}"><a href="${ctx.href(paths.sector(sector.id))}">${sector.label}</a></h3>
${
  headlines.length > 0
    ? headlineCards(ctx, headlines, false)
    : html`<p class="missing">No computed figures for this sector: the lake has no US import data by product and no world production series for it. <a href="${ctx.href(paths.sector(sector.id))}">See its ${model.data.production.filter((r) => r.sector === sector.id).length} published figures and what is missing</a>.</p>`
}
</section>`,
)}
</section>
${
  latest.length > 0
    ? html`<section aria-labelledby="concentrated"><h2 id="concentrated">Most concentrated US imports</h2>
<div class="table-scroll"><table>
<thead><tr><th scope="col">Product</th><th scope="col">Year</th><th scope="col" class="num">HHI</th><th scope="col" class="num">Top supplier</th></tr></thead>
<tbody>${latest.map(({ product, c }) => {
        const top = model.metricsOf(product.hs6).shares.find((s) => s.year === c!.year && s.rank === 1);
        return html`<tr><td><a href="${ctx.href(paths.product(product.hs6))}">${product.label}</a> <span class="code">HS ${product.hs6}</span></td><td>${c!.year}</td><td class="num">${figureValue(c!.hhi, formatHhi(c!.hhi))}</td><td class="num">${top?.partner_name ?? c!.top_supplier_iso3} ${figureValue(c!.cr1, formatShare(c!.cr1))}</td></tr>`;
      })}</tbody>
</table></div>
<p><a href="${ctx.href(paths.productsIndex)}">All ${model.products.length} products</a></p></section>`
    : ''
}`,
  };
}
