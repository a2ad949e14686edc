import type { SourceRow } from '../../../../data-schemas/index.ts';
import { accessDateOf, citeThis, shortCitation } from '../citations.ts';
import type { QueryEngine } from '../../seams/query-engine.ts';
import { html } from '../html.ts';
import type { SiteModel } from '../model.ts';
import type { PagePlan } from '../page.ts';
import { queryRows } from '../page-data.ts';
import { paths } from '../paths.ts';
import { latestBySource } from '../quality.ts';

/** When a source's rows came into the lake: the latest run of each ingest source that carries them. */
interface Landing {
  source: string;
  runId: string;
  at: string;
}

/** A page as the sources page lists it under each source it cites. */
/** A source's own notes in words: a source id it mentions becomes that source's short citation. */
const inWords = (model: SiteModel, text: string): string =>
  text.replace(/\bsource_id\b/g, 'source id').replace(/\b[A-Z0-9]+(?:_[A-Z0-9]+)+\b/g, (id) => {
    const source = model.source(id);
    return source ? shortCitation(source) : id;
  });

export interface PageCitations {
  path: string;
  title: string;
  sourceIds: readonly string[];
}

/**
 * Which ingest sources carry each citation's rows (sql/report/source_landings.sql): the ingest source
 * named on its trade rows, then on its production rows; a citation with neither, the ingest source
 * that landed the citation itself. The landing date says when the rows came into this lake; it is an
 * access date only for a source chainwatch fetches itself (accessDateOf).
 */
export async function landingsBySource(engine: QueryEngine, model: SiteModel): Promise<Map<string, Landing[]>> {
  const latest = latestBySource(model.quality.runs);
  const landing = (source: string): Landing[] => {
    const l = latest.find((x) => x.source === source);
    return l ? [{ source, runId: l.run.runId, at: l.run.finishedAt }] : [];
  };
  const out = new Map<string, Landing[]>();
  const add = (sourceId: string, ls: Landing[]) => {
    const list = out.get(sourceId) ?? [];
    for (const l of ls) if (!list.some((x) => x.source === l.source)) list.push(l);
    out.set(sourceId, list);
  };
  const rows = await queryRows<{ source_id: string; source: string; seen_in: number }>(engine, 'source_landings');
  for (const r of rows) {
    // A citation's own row counts only for an id no trade or production row carries.
    if (r.seen_in < 3 || !out.has(r.source_id)) add(r.source_id, landing(r.source));
  }
  return out;
}

/**
 * Every source id any page cites, with its full citation from the sources table and the pages that
 * use it. A cited id with no row in the sources table is listed as such rather than hidden.
 */
export function sourcesPage(
  model: SiteModel,
  pages: readonly PageCitations[],
  landings: ReadonlyMap<string, Landing[]>,
): PagePlan {
  const usedBy = new Map<string, PageCitations[]>();
  for (const page of pages) for (const id of page.sourceIds) usedBy.set(id, [...(usedBy.get(id) ?? []), page]);
  const ids = [...usedBy.keys()].sort();
  /** A source chainwatch fetched was accessed on the day its newest rows landed. */
  const accessed = (id: string, s: SourceRow) => {
    const fetchedOn =
      (landings.get(id) ?? [])
        .map((l) => l.at.slice(0, 10))
        .sort()
        .at(-1) ?? null;
    return accessDateOf(s, fetchedOn);
  };
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
<p class="small">Where seen: ${inWords(model, s.where_seen)}. Topic: ${s.topic}.</p>
<p class="small">Licence: ${s.licence ?? 'not stated in the citation record; cite the source as below'}.</p>
<p class="small">Accessed: ${accessed(id, s) ?? 'not recorded in the citation record; “Where seen” names the copy read'}.</p>
<p class="cite-this">Cite this source: ${citeThis(s, accessed(id, s))}</p>
<p class="small">In this lake since: ${
              (landings.get(id) ?? []).length
                ? landings
                    .get(id)!
                    .map(
                      (l, i) =>
                        html`${i > 0 ? '; ' : ''}${l.at.slice(0, 10)}, landed by the <code>${l.source}</code> source (run ${l.runId})`,
                    )
                : 'no run manifest records it'
            }.</p>`
          : html`<p class="missing">No citation for this id in the sources table.</p>`
      }
<p class="small">Used on: ${pagesUsing.map((p, i) => html`${i > 0 ? ', ' : ''}<a href="${ctx.href(p.path)}">${p.title}</a>`)}</p></dd>
</div>`;
    })}</dl>`,
  };
}
