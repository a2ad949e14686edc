import { figureValue } from '../format.ts';
import type { Headline } from '../headlines.ts';
import { html, type SafeHtml } from '../html.ts';
import type { PageContext } from '../page.ts';
import { paths } from '../paths.ts';
import { headlineKey, type ReleaseSnapshot } from '../release.ts';

/** A source citation link: short name, pointing at the full citation on the sources page. */
export const sourceLink = (ctx: PageContext, sourceId: string): SafeHtml =>
  html`<a href="${ctx.href(paths.sources)}#${paths.sourceAnchor(sourceId)}">${ctx.cite(sourceId)}</a>`;

export const sourceLinks = (ctx: PageContext, sourceIds: readonly string[]): SafeHtml[] =>
  sourceIds.map((id, i) => html`${i > 0 ? '; ' : ''}${sourceLink(ctx, id)}`);

/** Values this close are the same figure (float noise between engines). */
const SAME = 1e-9;

/** How a headline figure compares with the previous release: unchanged, revised (same period, new value) or moved on (a newer period). */
function sinceLast(previous: ReleaseSnapshot | null, h: Headline, i: number): SafeHtml | '' {
  if (!previous) return '';
  const before = previous.headlines[headlineKey(h, i)];
  const f = h.figures[i];
  if (!before) return html`<span class="since">new since release ${previous.release}</span>`;
  if (before.when === f.when && Math.abs(before.value - f.value) <= SAME)
    return html`<span class="since">unchanged since release ${previous.release}</span>`;
  if (before.when === f.when)
    return html`<span class="since">revised: ${before.display} in release ${previous.release}</span>`;
  return html`<span class="since">release ${previous.release}: ${before.display} (${before.when})</span>`;
}

/** A figure's period with how firm it is: "2025 (est.)", "2025 (provisional)". */
const whenOf = (f: Headline['figures'][number]): string => (f.mark ? `${f.when} (${f.mark})` : f.when);

/** Notes said once: two figures of a card that are both unchanged get one "unchanged". */
const distinct = (notes: readonly (SafeHtml | '')[]): (SafeHtml | '')[] =>
  notes.filter((n, i) => notes.findIndex((m) => m.toString() === n.toString()) === i);

/** Headline cards: each figure with its period, source and change since the previous release, and the method in small print. */
export function headlineCards(
  ctx: PageContext,
  headlines: readonly Headline[],
  withLinks: boolean,
  previous: ReleaseSnapshot | null = null,
): SafeHtml {
  return html`<div class="cards">${headlines.map(
    (h) => html`<article class="card" id="headline-${h.id}">
<h3>${h.label}</h3>
${
  h.figures.length === 0
    ? html`<p class="missing">No rows for this figure in the lake.</p>`
    : h.figures.every((f) => !f.qualifier)
      ? html`<p class="figures">${h.figures.map(
          (f, i) =>
            html`${i > 0 ? html`<span class="arrow" aria-label="to"> → </span>` : ''}<span class="figure"><strong>${figureValue(f.value, f.display)}</strong> <span class="when">${whenOf(f)}</span></span>`,
        )}</p>${previous ? html`<p class="since-line">${distinct(h.figures.map((_, i) => sinceLast(previous, h, i))).map((s, i) => html`${i > 0 ? '; ' : ''}${s}`)}</p>` : ''}`
      : html`<ul class="figures">${h.figures.map(
          (f, i) =>
            html`<li><strong>${figureValue(f.value, f.display)}</strong> <span class="when">${f.qualifier}, ${whenOf(f)}</span> ${sinceLast(previous, h, i)}</li>`,
        )}</ul>`
}
${h.caveat ? html`<p class="card-caveat">${h.caveat}</p>` : ''}
<p class="card-source">Source: ${sourceLinks(ctx, [...new Set(h.figures.flatMap((f) => f.sourceIds))])}. <span class="method">${h.method}</span></p>
${withLinks ? html`<p class="card-link"><a href="${ctx.href(h.href)}">More on this sector</a></p>` : ''}
</article>`,
  )}</div>`;
}

/** An honest note box. */
export const note = (title: string, body: SafeHtml | string): SafeHtml =>
  html`<aside class="note"><h3>${title}</h3>${body}</aside>`;
