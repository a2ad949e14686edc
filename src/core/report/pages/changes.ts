import { html, type SafeHtml } from '../html.ts';
import type { SiteModel } from '../model.ts';
import type { PageContext, PagePlan } from '../page.ts';
import { paths } from '../paths.ts';
import type { Move, ReleaseChanges } from '../release.ts';
import { HHI_BANDS, MAJORITY_SHARE } from '../thresholds.ts';

function movesTable(ctx: PageContext, moves: readonly Move[], kind: Move['kind']): SafeHtml {
  return html`<div class="table-scroll"><table class="moves">
<thead><tr><th scope="col">Series</th><th scope="col">Year</th><th scope="col">What moved</th><th scope="col">Threshold crossed</th></tr></thead>
<tbody>${moves.map(
    (
      m,
    ) => html`<tr><td><a href="${ctx.href(m.href)}">${m.subject}</a></td><td>${m.year}${kind === 'change' && m.comparedWith !== null ? html` <span class="small">vs ${m.comparedWith}</span>` : ''}</td>
<td>${m.deltas.length ? html`<ul class="deltas">${m.deltas.map((d) => html`<li>${d.metric}: ${d.before} → ${d.after}</li>`)}</ul>` : html`<span class="small">first year of the series</span>`}</td>
<td>${m.crossings.length ? html`<ul class="deltas">${m.crossings.map((c) => html`<li><strong>${c}</strong></li>`)}</ul>` : ''}</td></tr>`,
  )}</tbody>
</table></div>`;
}

/** "What changed since the last release": metric moves, revisions apart from changes, and this release's alerts. */
export function changesPage(model: SiteModel, changes: ReleaseChanges): PagePlan {
  const newData = changes.moves.filter((m) => m.kind === 'change');
  const revisions = changes.moves.filter((m) => m.kind === 'revision');
  return {
    path: paths.changes,
    title: 'What changed',
    nav: 'changes',
    charts: [],
    sourceIds: [],
    body: (ctx) => html`<h1>What changed in release ${changes.month}</h1>
${
  changes.previousMonth === null
    ? html`<p class="lede">This is the first release${model.release.months.length > 1 ? ' with a comparable snapshot' : ''}: there is no earlier release to compare with. From the next monthly release on, this page lists every metric that moved.</p>`
    : html`<p class="lede">Compared with release ${changes.previousMonth}. A <strong>change</strong> is a year the earlier release did not have (new data), compared with the year before it. A <strong>revision</strong> is a year both releases have whose value the source has since restated: history was corrected, nothing happened in the world.</p>
<p>${newData.length} new-data move${newData.length === 1 ? '' : 's'}, ${revisions.length} revision${revisions.length === 1 ? '' : 's'}, ${changes.alerts.length} threshold crossing${changes.alerts.length === 1 ? '' : 's'} (${changes.alerts.filter((a) => a.cause === 'revision').length} of them from revisions).</p>`
}
<p>Subscribe: <a href="${ctx.href(paths.alertsAtom)}" type="application/atom+xml">Atom feed of threshold crossings</a> · <a href="${ctx.href(paths.alertsJson)}">alerts.json</a>. Thresholds: HHI ${HHI_BANDS.map((b) => b.from.toFixed(2)).join(' and ')} (<a href="${ctx.href(paths.methodology)}#thresholds">why</a>), a new top supplier or producer, a top supplier above ${(MAJORITY_SHARE * 100).toFixed(0)}% of imports; early warnings: a month more than 2 SD from its trailing 24-month mean, a dependency flag held in 2 of the last 3 years for the first time (<a href="${ctx.href(paths.screen)}">dependency screen</a>).</p>
${
  changes.alerts.length
    ? html`<section aria-labelledby="alerts"><h2 id="alerts">Threshold crossings</h2><ul class="alerts">${changes.alerts.map(
        (a) =>
          html`<li><span class="badge">${a.cause === 'revision' ? 'revision' : 'new data'}</span> <a href="${ctx.href(a.href)}">${a.summary}</a></li>`,
      )}</ul></section>`
    : ''
}
${newData.length ? html`<section aria-labelledby="new-data"><h2 id="new-data">New data</h2>${movesTable(ctx, newData, 'change')}</section>` : ''}
${revisions.length ? html`<section aria-labelledby="revisions"><h2 id="revisions">Revisions of history</h2><p>Values for years the earlier release already had. Statistical offices restate past years; these are corrections, not events.</p>${movesTable(ctx, revisions, 'revision')}</section>` : ''}
${changes.added.length ? html`<section aria-labelledby="added"><h2 id="added">New series</h2><ul>${changes.added.map((a) => html`<li><a href="${ctx.href(a.href)}">${a.subject}</a></li>`)}</ul></section>` : ''}
${changes.removed.length ? html`<section aria-labelledby="removed"><h2 id="removed">Series no longer in the data</h2><ul>${changes.removed.map((r) => html`<li>${r.subject} (last in release ${r.lastRelease})</li>`)}</ul></section>` : ''}
${changes.claims.length ? html`<section aria-labelledby="claims-moved"><h2 id="claims-moved">Claim verdicts that changed</h2><ul>${changes.claims.map((c) => html`<li><a href="${ctx.href(paths.claims)}#claim-${c.id}">${c.id}</a>: ${c.before} → ${c.after}</li>`)}</ul></section>` : ''}
${changes.previousMonth !== null && changes.moves.length + changes.added.length + changes.removed.length + changes.claims.length === 0 ? html`<p>No metric moved: the data are the same as in release ${changes.previousMonth}.</p>` : ''}`,
  };
}
