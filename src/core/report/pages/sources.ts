import { html } from '../html.ts';
import type { SiteModel } from '../model.ts';
import { pageSourceIds, type PagePlan } from '../page.ts';
import { paths } from '../paths.ts';
import { latestBySource } from '../quality.ts';

/** When a source's rows came into the lake: the latest run of each ingest source that carries them. */
interface Landing {
  source: string;
  runId: string;
  at: string;
}

/**
 * Which ingest sources carry each citation's rows: rows that name the ingest source that landed them
 * (trade, and production and citations where the lake has that column) give it exactly; otherwise every
 * ingest source that wrote the table in its latest run.
 * The retrieval date shown is when those rows were landed, the date the lake can vouch for.
 */
function landingsBySource(model: SiteModel): Map<string, Landing[]> {
  const latest = latestBySource(model.quality.runs);
  const landing = (source: string): Landing[] => {
    const l = latest.find((x) => x.source === source);
    return l ? [{ source, runId: l.run.runId, at: l.run.finishedAt }] : [];
  };
  const writers = (table: string) =>
    latest.filter((l) => (l.entry.tables[table]?.rows ?? 0) > 0).flatMap((l) => landing(l.source));
  const out = new Map<string, Landing[]>();
  const add = (sourceId: string, ls: Landing[]) => {
    const list = out.get(sourceId) ?? [];
    for (const l of ls) if (!list.some((x) => x.source === l.source)) list.push(l);
    out.set(sourceId, list);
  };
  for (const key of new Set(model.data.tradeFlows.map((f) => `${f.source_id}|${f.source}`))) {
    const [sourceId, source] = key.split('|');
    add(sourceId, landing(source));
  }
  // Rows that name the ingest source that landed them are exact; older lakes without that column fall back to every source that wrote the table.
  const landedBy = (row: object, table: string) =>
    'source' in row && typeof row.source === 'string' ? landing(row.source) : writers(table);
  for (const r of model.data.production) add(r.source_id, landedBy(r, 'production'));
  for (const s of model.data.sources) if (!out.has(s.source_id)) add(s.source_id, landedBy(s, 'sources'));
  return out;
}

/**
 * Every source id any page cites, with its full citation from the sources table and the pages that
 * use it. A cited id with no row in the sources table is listed as such rather than hidden.
 */
export function sourcesPage(model: SiteModel, pages: readonly PagePlan[]): PagePlan {
  const usedBy = new Map<string, PagePlan[]>();
  for (const page of pages) for (const id of pageSourceIds(page)) usedBy.set(id, [...(usedBy.get(id) ?? []), page]);
  const ids = [...usedBy.keys()].sort();
  const landings = landingsBySource(model);
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
<p class="small">Where seen: ${s.where_seen}. Licence: ${s.licence ?? 'not stated by the publisher'}. Topic: ${s.topic}.</p>
<p class="small">Retrieved: ${
              (landings.get(id) ?? []).length
                ? landings
                    .get(id)!
                    .map(
                      (l, i) =>
                        html`${i > 0 ? '; ' : ''}landed in the lake ${l.at.slice(0, 10)} by the <code>${l.source}</code> source (run ${l.runId})`,
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
