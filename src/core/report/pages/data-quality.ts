import { formatNumber } from '../format.ts';
import { html } from '../html.ts';
import type { QueryEngine } from '../../seams/query-engine.ts';
import type { SiteModel } from '../model.ts';
import { queryRows } from '../page-data.ts';
import type { PagePlan } from '../page.ts';
import { paths } from '../paths.ts';
import { latestBySource, REASONS_SHOWN, RUNS_SHOWN } from '../quality.ts';

const count = (n: number | undefined) => (n === undefined ? 'n/a' : formatNumber(n));
const day = (iso: string | undefined) => (iso ? iso.slice(0, 10) : 'n/a');

/** The last period each cited source has rows for, from the trade and production tables (sql/report/quality_coverage.sql). */
export interface Coverage {
  sourceId: string;
  table: string;
  /** Last observed period ('' when none is dated). */
  through: string;
  /** Last year a projection reaches ('' when the source projects nothing). */
  projectedTo: string;
  rows: number;
}

/** How far a source's data reach, in words: projections are never counted as data through a year. */
const coverageText = ({ through, projectedTo }: Pick<Coverage, 'through' | 'projectedTo'>): string =>
  projectedTo === ''
    ? through || 'undated'
    : through
      ? `${through}; projections to ${projectedTo}`
      : `projections only (to ${projectedTo}); no observed data`;

export async function coverageOf(engine: QueryEngine): Promise<Coverage[]> {
  const rows = await queryRows<{
    table_name: string;
    source_id: string;
    row_count: number;
    through: string;
    projected_to: string;
  }>(engine, 'quality_coverage');
  return rows
    .map((r) => ({
      sourceId: r.source_id,
      table: r.table_name,
      through: r.through,
      projectedTo: r.projected_to,
      rows: r.row_count,
    }))
    .sort((a, b) => a.table.localeCompare(b.table) || a.sourceId.localeCompare(b.sourceId));
}

/**
 * What went into this release: each source's rows in, landed and quarantined (with the reasons),
 * when it was last fetched, which sources are stale, and how recent each cited source's data are.
 */
export function dataQualityPage(model: SiteModel, cover: readonly Coverage[]): PagePlan {
  const { quality } = model;
  const latest = latestBySource(quality.runs);
  return {
    path: paths.quality,
    title: 'Data quality',
    nav: 'quality',
    charts: [],
    sourceIds: cover.map((c) => c.sourceId),
    body: (ctx) => html`<h1>Data quality</h1>
<p class="lede">What the ingest runs read, kept and rejected, and how fresh each source is. Every rejected row is kept in the lake’s quarantine with its reason; nothing is dropped silently.</p>
${
  quality.staleSources.length
    ? html`<aside class="note stale" role="status"><h2>Stale sources</h2><p>${quality.staleSources.join(', ')}: the last refresh could not fetch ${quality.staleSources.length === 1 ? 'this source' : 'these sources'}; the pages show ${quality.staleSources.length === 1 ? 'its' : 'their'} last good data.</p></aside>`
    : html`<p>No source is stale: every source’s last run succeeded.</p>`
}
${
  latest.length === 0
    ? html`<p class="missing">The lake has no run manifests (<code>_runs/</code>): its tables were not written by chainwatch ingest, so there is no accounting to show.</p>`
    : html`<section aria-labelledby="sources-runs"><h2 id="sources-runs">Rows per source (latest run)</h2>
<div class="table-scroll"><table>
<thead><tr><th scope="col">Source</th><th scope="col">Status</th><th scope="col">Last run</th><th scope="col" class="num">Rows in</th><th scope="col" class="num">Derived</th><th scope="col" class="num">Landed</th><th scope="col" class="num">Quarantined</th><th scope="col" class="num">Duplicates dropped</th></tr></thead>
<tbody>${latest.map(
        ({ source, run, entry }) =>
          html`<tr><td><code>${source}</code></td><td>${entry.status === 'stale' || quality.staleSources.includes(source) ? html`<span class="badge">stale</span>` : 'fresh'}</td><td>${day(run.finishedAt)} <span class="code">${run.runId}</span></td><td class="num">${count(entry.rowsIn)}</td><td class="num">${count(entry.rowsDerived)}</td><td class="num">${count(entry.rowsOut)}</td><td class="num">${count(entry.rowsRejected)}</td><td class="num">${count(entry.rowsDuplicate)}</td></tr>`,
      )}</tbody>
</table></div>
<p class="small">Every row read ends in one place: rows in + derived = landed + quarantined + duplicates dropped.</p>
${latest.map(
  ({
    source,
    entry,
  }) => html`<details><summary>Inputs of <code>${source}</code> (${entry.inputs.length} file${entry.inputs.length === 1 ? '' : 's'})</summary>
<div class="table-scroll"><table>
<thead><tr><th scope="col">File</th><th scope="col" class="num">Rows</th><th scope="col">SHA-256 (first 16)</th><th scope="col">Raw copy in the lake</th></tr></thead>
<tbody>${entry.inputs.map((i) => html`<tr><td>${i.file}</td><td class="num">${count(i.rows)}</td><td class="code">${i.sha256.slice(0, 16)}</td><td class="code">${i.rawKey}</td></tr>`)}</tbody>
</table></div>
${entry.warnings?.length ? html`<p>Warnings: ${entry.warnings.join('; ')}</p>` : ''}
${entry.error ? html`<p>Last error: ${entry.error.message}${entry.error.hint ? html` — ${entry.error.hint}` : ''}</p>` : ''}
</details>`,
)}
</section>`
}
${
  Object.keys(quality.quarantine).length
    ? html`<section aria-labelledby="quarantine"><h2 id="quarantine">Why rows were quarantined</h2>
${Object.entries(quality.quarantine).map(
  ([
    source,
    q,
  ]) => html`<h3><code>${source}</code>: ${count(q.rows)} row${q.rows === 1 ? '' : 's'} <span class="code">${q.key}</span></h3>
<div class="table-scroll"><table>
<thead><tr><th scope="col">Reason</th><th scope="col" class="num">Rows</th></tr></thead>
<tbody>${q.reasons.slice(0, REASONS_SHOWN).map((r) => html`<tr><td>${r.reason}</td><td class="num">${count(r.rows)}</td></tr>`)}</tbody>
</table></div>${q.reasons.length > REASONS_SHOWN ? html`<p class="small">${q.reasons.length - REASONS_SHOWN} less frequent reasons are in the quarantine file.</p>` : ''}`,
)}</section>`
    : ''
}
${
  quality.states.length
    ? html`<section aria-labelledby="freshness"><h2 id="freshness">Live sources</h2>
<div class="table-scroll"><table>
<thead><tr><th scope="col">Source</th><th scope="col">Status</th><th scope="col">Last success</th><th scope="col">Last failure</th></tr></thead>
<tbody>${quality.states.map(
        (s) =>
          html`<tr><td><code>${s.source}</code></td><td>${s.status === 'stale' ? html`<span class="badge">stale</span>` : 'fresh'}</td><td>${s.lastSuccess ? html`${day(s.lastSuccess.at)}${s.lastSuccess.period ? ` (period ${s.lastSuccess.period})` : ''}` : 'never'}</td><td>${s.lastFailure ? html`${day(s.lastFailure.at)}: ${s.lastFailure.error}` : '—'}</td></tr>`,
      )}</tbody>
</table></div></section>`
    : ''
}
<section aria-labelledby="coverage"><h2 id="coverage">How recent each source’s data are</h2>
<div class="table-scroll"><table>
<thead><tr><th scope="col">Source</th><th scope="col">Table</th><th scope="col" class="num">Rows</th><th scope="col">Data through</th></tr></thead>
<tbody>${cover.map(
      (c) =>
        html`<tr><td><a href="${ctx.href(paths.sources)}#${paths.sourceAnchor(c.sourceId)}">${ctx.cite(c.sourceId)}</a></td><td><code>${c.table}</code></td><td class="num">${count(c.rows)}</td><td>${coverageText(c)}</td></tr>`,
    )}</tbody>
</table></div>
<p class="small">The latest year of trade data may be provisional: sources revise it, and the next release marks any revision as such.</p></section>
${
  quality.runs.length
    ? html`<section aria-labelledby="runs"><h2 id="runs">Recent runs</h2>
<div class="table-scroll"><table>
<thead><tr><th scope="col">Run</th><th scope="col">Kind</th><th scope="col">Started</th><th scope="col">Finished</th><th scope="col">Outcome</th><th scope="col">Sources</th></tr></thead>
<tbody>${quality.runs
        .slice(0, RUNS_SHOWN)
        .map(
          (r) =>
            html`<tr><td class="code">${r.runId}</td><td>${r.kind ?? 'ingest'}${r.period ? ` ${r.period}` : ''}</td><td>${r.startedAt}</td><td>${r.finishedAt}</td><td>${r.outcome}${r.error ? html`: ${r.error.message}` : ''}</td><td>${Object.keys(r.sources).join(', ')}</td></tr>`,
        )}</tbody>
</table></div>${quality.runs.length > RUNS_SHOWN ? html`<p class="small">${quality.runs.length - RUNS_SHOWN} older runs are in the lake’s <code>_runs/</code>.</p>` : ''}</section>`
    : ''
}`,
  };
}
