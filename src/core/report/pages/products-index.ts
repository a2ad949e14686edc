import { figureValue, formatHhi, formatShare, formatUsd } from '../format.ts';
import { html } from '../html.ts';
import type { SiteModel } from '../model.ts';
import type { PagePlan } from '../page.ts';
import type { Product } from './product.ts';
import { paths } from '../paths.ts';
import { HHI_BANDS, NES_WARNING_SHARE } from '../thresholds.ts';

/** Every product with its latest figures, and how to read them. */
export function productsIndexPage(model: SiteModel, products: readonly Product[]): PagePlan {
  return {
    path: paths.productsIndex,
    title: 'Products',
    nav: 'products',
    charts: [],
    sourceIds: [...new Set(products.flatMap((p) => p.sourceIds))].sort(),
    body: (ctx) => html`<h1>US imports by product</h1>
<p class="lede">One page per HS 6-digit product with US import data in the lake. Figures are for the latest year of each product.</p>
<div class="table-scroll"><table>
<thead><tr><th scope="col">HS6</th><th scope="col">Product</th><th scope="col">Sector</th><th scope="col">Year</th><th scope="col" class="num">US imports</th><th scope="col" class="num">HHI</th><th scope="col" class="num">CR1</th><th scope="col" class="num">China</th><th scope="col" class="num">Allies</th></tr></thead>
<tbody>${products.map((p) => {
      const c = p.latest;
      const d = c?.has_dependency ? c : undefined;
      return html`<tr><td><a href="${ctx.href(paths.product(p.hs6))}">${p.hs6}</a></td><td>${p.label}</td><td>${model.sectors.find((s) => s.id === p.sector)?.label ?? p.sector}</td><td>${c ? model.tradeYear(c.year) : ''}</td>
<td class="num">${c ? figureValue(c.total_value_usd, formatUsd(c.total_value_usd)) : ''}</td><td class="num">${c ? figureValue(c.hhi, formatHhi(c.hhi)) : ''}</td><td class="num">${c ? figureValue(c.cr1, formatShare(c.cr1)) : ''}</td>
<td class="num">${d ? figureValue(d.china_share!, formatShare(d.china_share!)) : ''}</td><td class="num">${d ? figureValue(d.ally_share!, formatShare(d.ally_share!)) : ''}</td></tr>`;
    })}</tbody>
</table></div>
<section aria-labelledby="method"><h2 id="method">How to read the figures</h2>
<dl class="method">
<dt>Supplier share</dt><dd>A country’s US imports of the product divided by US imports from all supplier countries. World totals and “areas not elsewhere specified” are never suppliers; UN Comtrade’s “Other Asia, nes” (code 490) is Taiwan.</dd>
<dt>HHI</dt><dd>Herfindahl–Hirschman index, the sum of squared supplier shares: 1 when one country supplies everything, 1/N for N equal suppliers. Also shown on the 0–10,000 points scale. ${HHI_BANDS.map((b) => html`<br>${b.label}.`)}</dd>
<dt>CR1</dt><dd>The largest supplier’s share.</dd>
<dt>China, allies, covered nations</dt><dd>Shares from China alone, China with Hong Kong and Macao (re-exports via Hong Kong keep their origin on the import side), the allies the seed article names, and the US “covered nations”; the product pages list the members.</dd>
<dt>Unallocated trade</dt><dd>Value reported against “nes” areas is shown as a note when it exceeds ${formatShare(NES_WARNING_SHARE, 0)} of a product’s imports.</dd>
</dl></section>`,
  };
}
