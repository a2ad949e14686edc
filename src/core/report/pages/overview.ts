import { figureValue, formatHhi, formatShare } from '../format.ts';
import type { ClaimResult } from '../claims.ts';
import type { Headline } from '../headlines.ts';
import { html } from '../html.ts';
import type { Sector, SiteModel } from '../model.ts';
import type { PagePlan } from '../page.ts';
import { paths } from '../paths.ts';
import type { ReleaseChanges } from '../release.ts';
import { claimsPanel } from './claims.ts';
import { headlineCards } from './parts.ts';
import type { Product } from './product.ts';

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** How many products the "most concentrated" list shows. */
const MOST_CONCENTRATED = 5;

/** What the overview shows: each figure was computed for another page first. */
export interface OverviewInput {
  claims: readonly ClaimResult[];
  changes: ReleaseChanges;
  /** The seed article's chip figures. */
  seed: readonly Headline[];
  /** Each sector with its headline figures and how many published figures its page lists. */
  bySector: readonly { sector: Sector; headlines: Headline[]; published: number }[];
  products: readonly Product[];
}

export function overviewPage(model: SiteModel, input: OverviewInput): PagePlan {
  const { claims, changes, seed, bySector, products } = input;
  const previous = model.release.previous;
  const latest = products
    .flatMap((product) => (product.latest ? [{ product, c: product.latest }] : []))
    .sort((a, b) => b.c.hhi - a.c.hhi || a.product.hs6.localeCompare(b.product.hs6))
    .slice(0, MOST_CONCENTRATED);
  const headlineSources = [...seed, ...bySector.flatMap((s) => s.headlines)].flatMap((h) =>
    h.figures.flatMap((f) => f.sourceIds),
  );

  return {
    path: paths.overview,
    title: 'Overview',
    nav: 'overview',
    charts: [],
    sourceIds: [
      ...new Set([
        ...headlineSources,
        ...claims.flatMap((c) => c.sourceIds),
        ...latest.flatMap((x) => x.product.sourceIds),
      ]),
    ].sort(),
    body: (ctx) => html`<h1>How dependent is the United States on a few suppliers?</h1>
<p class="lede">Trade and production statistics for critical supply chains — ${model.sectors.map((s) => s.label).join(', ')} — with every figure traced to its source. Shares of world capacity come from published reports; import concentration is computed from US import statistics by supplier country.</p>
<section aria-labelledby="chips"><h2 id="chips">Chip manufacturing capacity</h2>
${headlineCards(ctx, seed, true, previous)}
</section>
<section aria-labelledby="claims"><h2 id="claims">The seed article’s claims, checked</h2>
${claimsPanel(ctx, claims)}
<p><a href="${ctx.href(paths.claims)}">The evidence for each verdict</a></p>
</section>
<section aria-labelledby="release"><h2 id="release">Release ${model.release.month}</h2>
<p>${
      changes.previousMonth === null
        ? 'The first release: nothing to compare with yet.'
        : html`Since release ${changes.previousMonth}: ${count(changes.moves.filter((m) => m.kind === 'change').length, 'move')} from new data, ${count(changes.moves.filter((m) => m.kind === 'revision').length, 'revision')} of history, ${count(changes.alerts.length, 'threshold crossing')}.`
    } <a href="${ctx.href(paths.changes)}">What changed</a> · <a href="${ctx.href(paths.alertsAtom)}" type="application/atom+xml">Subscribe to alerts (Atom)</a></p>
</section>
<section aria-labelledby="sectors"><h2 id="sectors">By sector</h2>
${bySector.map(
  ({ sector, headlines, published }) => html`<section class="sector-block" aria-labelledby="sector-${sector.id}">
<h3 id="sector-${sector.id}"><a href="${ctx.href(paths.sector(sector.id))}">${sector.label}</a></h3>
${
  headlines.length > 0
    ? headlineCards(ctx, headlines, false, previous)
    : html`<p class="missing">No computed figures for this sector: the lake has no US import data by product and no world production series for it. <a href="${ctx.href(paths.sector(sector.id))}">See its ${published} published figures and what is missing</a>.</p>`
}
</section>`,
)}
</section>
${
  latest.length > 0
    ? html`<section aria-labelledby="concentrated"><h2 id="concentrated">Most concentrated US imports</h2>
<div class="table-scroll"><table>
<thead><tr><th scope="col">Product</th><th scope="col">Year</th><th scope="col" class="num">HHI</th><th scope="col" class="num">Top supplier</th></tr></thead>
<tbody>${latest.map(
        ({ product, c }) =>
          html`<tr><td><a href="${ctx.href(paths.product(product.hs6))}">${product.label}</a> <span class="code">HS ${product.hs6}</span></td><td>${model.tradeYear(c.year)}</td><td class="num">${figureValue(c.hhi, formatHhi(c.hhi))}</td><td class="num">${c.top_supplier_name ?? c.top_supplier_iso3} ${figureValue(c.cr1, formatShare(c.cr1))}</td></tr>`,
      )}</tbody>
</table></div>
<p><a href="${ctx.href(paths.productsIndex)}">All ${products.length} products</a></p></section>`
    : ''
}`,
  };
}
