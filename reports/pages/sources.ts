import { html } from '../html.ts';
import type { SiteModel } from '../model.ts';
import { pageSourceIds, type PagePlan } from '../page.ts';
import { paths } from '../paths.ts';

/**
 * Every source id any page cites, with its full citation from the sources table and the pages that
 * use it. A cited id with no row in the sources table is listed as such rather than hidden.
 */
export function sourcesPage(model: SiteModel, pages: readonly PagePlan[]): PagePlan {
  const usedBy = new Map<string, PagePlan[]>();
  for (const page of pages) for (const id of pageSourceIds(page)) usedBy.set(id, [...(usedBy.get(id) ?? []), page]);
  const ids = [...usedBy.keys()].sort();
  return {
    path: paths.sources,
    title: 'Sources',
    nav: 'sources',
    charts: [],
    sourceIds: [],
    body: (ctx) => html`<h1>Sources</h1>
<p class="lede">The full citation of every source the pages use. “Where seen” says where the figure was actually read; a secondary source is a third party restating the original.</p>
<dl class="sources">${ids.map((id) => {
      const s = model.source(id);
      const pagesUsing = usedBy.get(id)!;
      return html`<div class="source" id="${paths.sourceAnchor(id)}">
<dt><code>${id}</code>${s?.is_secondary ? html` <span class="badge">secondary</span>` : ''}</dt>
<dd>${
        s
          ? html`<p class="citation">${s.citation}</p>
${s.url ? html`<p>${/^https?:\/\//i.test(s.url) ? html`<a href="${s.url}" rel="external noopener">${s.url}</a>` : s.url}</p>` : ''}
<p class="small">Where seen: ${s.where_seen}${s.licence ? html`. Licence: ${s.licence}` : ''}. Topic: ${s.topic}.</p>`
          : html`<p class="missing">No citation for this id in the sources table.</p>`
      }
<p class="small">Used on: ${pagesUsing.map((p, i) => html`${i > 0 ? ', ' : ''}<a href="${ctx.href(p.path)}">${p.title}</a>`)}</p></dd>
</div>`;
    })}</dl>`,
  };
}
