import { figureValue } from '../format.ts';
import type { Headline } from '../headlines.ts';
import { html, type SafeHtml } from '../html.ts';
import type { PageContext } from '../page.ts';
import { paths } from '../paths.ts';

/** A source citation link: short name, pointing at the full citation on the sources page. */
export const sourceLink = (ctx: PageContext, sourceId: string): SafeHtml =>
  html`<a href="${ctx.href(paths.sources)}#${paths.sourceAnchor(sourceId)}">${ctx.cite(sourceId)}</a>`;

export const sourceLinks = (ctx: PageContext, sourceIds: readonly string[]): SafeHtml[] =>
  sourceIds.map((id, i) => html`${i > 0 ? '; ' : ''}${sourceLink(ctx, id)}`);

/** Headline cards: each figure with its period and source, and the method in small print. */
export function headlineCards(ctx: PageContext, headlines: readonly Headline[], withLinks: boolean): SafeHtml {
  return html`<div class="cards">${headlines.map(
    (h) => html`<article class="card" id="headline-${h.id}">
<h3>${h.label}</h3>
${
  h.figures.length === 0
    ? html`<p class="missing">No rows for this figure in the lake.</p>`
    : h.figures.every((f) => !f.qualifier)
      ? html`<p class="figures">${h.figures.map(
          (f, i) => html`${i > 0 ? html`<span class="arrow" aria-label="to"> → </span>` : ''}<span class="figure"><strong>${figureValue(f.value, f.display)}</strong> <span class="when">${f.when}</span></span>`,
        )}</p>`
      : html`<ul class="figures">${h.figures.map(
          (f) => html`<li><strong>${figureValue(f.value, f.display)}</strong> <span class="when">${f.qualifier}, ${f.when}</span></li>`,
        )}</ul>`
}
<p class="card-source">Source: ${sourceLinks(ctx, [...new Set(h.figures.flatMap((f) => f.sourceIds))])}. <span class="method">${h.method}</span></p>
${withLinks ? html`<p class="card-link"><a href="${ctx.href(h.href)}">More on this sector</a></p>` : ''}
</article>`,
  )}</div>`;
}

/** An honest note box. */
export const note = (title: string, body: SafeHtml | string): SafeHtml => html`<aside class="note"><h3>${title}</h3>${body}</aside>`;
