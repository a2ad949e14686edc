import { VERDICT_LABEL, type ClaimResult, type ClaimsFile, type Verdict } from '../claims.ts';
import { toCsv } from '../csv.ts';
import type { SiteFile } from '../figure.ts';
import { figureValue } from '../format.ts';
import { html, type SafeHtml } from '../html.ts';
import type { SiteModel } from '../model.ts';
import type { PageContext, PagePlan } from '../page.ts';
import { paths } from '../paths.ts';
import { sourceLink, sourceLinks } from './parts.ts';

/** The verdict as a badge; the class carries the colour, the words carry the meaning. */
const verdictBadge = (verdict: Verdict): SafeHtml =>
  html`<span class="verdict verdict-${verdict}">${VERDICT_LABEL[verdict]}</span>`;

const claimAnchor = (id: string) => `claim-${id}`;

/** The overview panel: each claim, its verdict, a link to the evidence. */
export function claimsPanel(ctx: PageContext, results: readonly ClaimResult[]): SafeHtml {
  return html`<ul class="claims-panel">${results.map(
    (r) =>
      html`<li>${verdictBadge(r.verdict)} <a href="${ctx.href(paths.claims)}#${claimAnchor(r.claim.id)}">${r.claim.claim}</a></li>`,
  )}</ul>`;
}

const CSV_COLUMNS = [
  'claim_id',
  'claim_verdict',
  'check_id',
  'role',
  'check_verdict',
  'when',
  'year',
  'geo',
  'value_percent',
  'display',
  'verdict',
  'reason',
  'source_ids',
];

function claimsCsv(results: readonly ClaimResult[]): SiteFile {
  const rows = results.flatMap((r) =>
    r.checks.flatMap((c) =>
      c.observations.map((o) => ({
        claim_id: r.claim.id,
        claim_verdict: r.verdict,
        check_id: c.check.id,
        role: c.check.role,
        check_verdict: c.verdict,
        when: o.when,
        year: o.year,
        geo: o.geo,
        value_percent: o.value,
        display: o.display,
        verdict: o.verdict,
        reason: o.reason,
        source_ids: o.sourceIds.join(' '),
      })),
    ),
  );
  return { path: paths.data('claims.csv'), body: toCsv(CSV_COLUMNS, rows) };
}

/** Where a check's rows live: a curated table, or a metric with the SQL that computed it. */
const tableLink = (ctx: PageContext, table: string): SafeHtml =>
  table === 'production'
    ? html`the curated <code>production</code> table (published figures as the sources state them)`
    : html`the <a href="${ctx.href(paths.sql(table))}"><code>${table}</code></a> metric table`;

export function claimsPage(model: SiteModel, file: ClaimsFile, results: readonly ClaimResult[]): PagePlan {
  const csv = claimsCsv(results);
  const counts = (['supported', 'partly', 'not-supported', 'not-testable'] as const)
    .map((v) => [v, results.filter((r) => r.verdict === v).length] as const)
    .filter(([, n]) => n > 0);
  return {
    path: paths.claims,
    title: 'Claims check',
    nav: 'claims',
    charts: [],
    sourceIds: [file.article.source_id, ...results.flatMap((r) => r.sourceIds)],
    files: [
      csv,
      {
        path: paths.data('claims.json'),
        body:
          JSON.stringify(
            results.map((r) => ({
              id: r.claim.id,
              quote: r.claim.quote,
              verdict: r.verdict,
              checks: r.checks.map((c) => ({
                id: c.check.id,
                role: c.check.role,
                verdict: c.verdict,
                rule: c.ruleText,
                observations: c.observations,
              })),
            })),
            null,
            1,
          ) + '\n',
      },
    ],
    body: (ctx) => html`<h1>Claims check</h1>
<p class="lede">What the seed article says, set beside what the data in this release say. Each verdict is computed when the site is built, from the lake rows each claim names (<code>reports/claims.json</code>); the article’s figures are quotes, every other figure on this page comes from a cited source.</p>
<p>Article: “${file.article.title}” (${file.article.published}; ${sourceLink(ctx, file.article.source_id)}). Verdicts in this release: ${counts.map(([v, n], i) => html`${i > 0 ? ', ' : ''}${n} ${VERDICT_LABEL[v].toLowerCase()}`)}. <a href="${ctx.href(csv.path)}" download>Every figure and verdict (CSV)</a> · <a href="${ctx.href(paths.data('claims.json'))}">JSON</a></p>
${results.map(
  (r) => html`<section class="claim" id="${claimAnchor(r.claim.id)}" aria-labelledby="${claimAnchor(r.claim.id)}-h">
<h2 id="${claimAnchor(r.claim.id)}-h">${r.claim.claim}</h2>
<blockquote><p>“${r.claim.quote}”</p></blockquote>
<p class="verdict-line">Verdict: ${verdictBadge(r.verdict)} <span class="small">by the data in release ${model.release.month}</span></p>
${r.checks.map(
  (c) => html`<div class="check check-${c.check.role}">
<h3>${c.check.role === 'test' ? 'Test' : 'Context'}: ${c.check.label} ${c.verdict ? verdictBadge(c.verdict) : ''}</h3>
<p class="small">${c.ruleText} Rows from ${tableLink(ctx, c.table)}.</p>
${
  c.observations.length === 0
    ? html`<p class="missing">No rows in the lake match this check${c.check.role === 'test' ? ', so it decides nothing' : ''}.</p>`
    : html`<div class="table-scroll"><table>
<thead><tr><th scope="col">Period</th><th scope="col">Geography</th><th scope="col" class="num">Data</th>${c.check.role === 'test' ? html`<th scope="col">Comparison</th>` : ''}<th scope="col">Source</th></tr></thead>
<tbody>${c.observations.map(
        (o) =>
          html`<tr><td>${o.when}</td><td>${o.geo}</td><td class="num">${figureValue(o.value, o.display)}</td>${
            c.check.role === 'test'
              ? html`<td>${o.verdict ? verdictBadge(o.verdict) : ''} <span class="small">${o.reason}</span></td>`
              : ''
          }<td>${sourceLinks(ctx, o.sourceIds)}</td></tr>`,
      )}</tbody>
</table></div>`
}
</div>`,
)}
${r.claim.notes ? html`<p class="small">${r.claim.notes}</p>` : ''}
</section>`,
)}
<section aria-labelledby="how"><h2 id="how">How verdicts are reached</h2>
<p>A claim’s tests each give a verdict from their rows: all rows alike give that verdict, a mix gives “partly supported”, and rows that cannot be compared (a single end of a change, a rank with nothing to rank against) decide nothing. The claim’s verdict combines its tests the same way. Context rows are shown because a reader would look for them, but they measure something narrower or are restatements, so they do not count. To add a claim, add an entry to <code>reports/claims.json</code>: a quote, the rows that test it and the rule; no code changes.</p>
</section>`,
  };
}
