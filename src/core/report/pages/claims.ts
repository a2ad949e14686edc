import { type ClaimResult, type ClaimsFile, type Figure, type Grade, ordinal, ppText } from '../claims.ts';
import { toCsv } from '../csv.ts';
import type { SiteFile } from '../figure.ts';
import { figureValue } from '../format.ts';
import { html, type SafeHtml } from '../html.ts';
import type { SiteModel } from '../model.ts';
import type { PageContext, PagePlan } from '../page.ts';
import { paths } from '../paths.ts';
import { sourceLink, sourceLinks } from './parts.ts';

/** The grade as a badge; the class carries the colour, the words carry the meaning. */
const gradeBadge = (grade: Grade, label: string): SafeHtml =>
  html`<span class="verdict verdict-${grade}">${label}</span>`;

const claimAnchor = (id: string) => `claim-${id}`;

/** Who a figure goes back to: the cited source, or the original it restates with the citation that carries it. */
const byline = (ctx: PageContext, f: Figure): SafeHtml =>
  f.originName ? html`${f.originName}, via ${sourceLinks(ctx, f.sourceIds)}` : html`${sourceLinks(ctx, f.sourceIds)}`;

/** A figure as a reader quotes it: the value (exact value machine-readable) and its period. */
const figureText = (f: Figure): SafeHtml => html`${figureValue(f.value, f.display)} (${f.when})`;

const signed = (v: number, unit: string) => `${v > 0 ? '+' : v < 0 ? '−' : '±'}${Math.abs(v).toFixed(1)}${unit}`;

/** The relative gap between two percentages, in percent of the second. */
const relative = (a: number, b: number) => (100 * (a - b)) / b;

/** One honest sentence for a claim's grade, with its best number and source; the same on the overview and the claims page. */
function claimSentence(ctx: PageContext, r: ClaimResult): SafeHtml {
  const { best, latest, claimed, evidence } = r.headline;
  const tol = r.claim.tolerance_pp;
  if (!best) {
    const proxies = evidence.filter((f) => f.coverage === 'part').sort((a, b) => a.value - b.value);
    const [low, high] = [proxies[0], proxies.at(-1)];
    return low === undefined || high === undefined
      ? html`No figure in these data measures what the claim measures (${r.claim.metric}), and none measures a part of it.`
      : html`No figure in these data measures what the claim measures (${r.claim.metric}); ${proxies.length} figure${proxies.length === 1 ? '' : 's'} for parts of it range from ${figureText(low)} to ${figureText(high)}.`;
  }
  const rankText =
    r.rank && r.rank !== 'not-checkable' && r.rank.nearest
      ? html` It ranks ${ordinal(r.rank.rank)} of ${r.rank.listed} regions listed for ${r.rank.figure.when}, ${ppText(r.rank.nearest.gap)} ${r.rank.rank === 1 ? 'ahead of' : 'behind'} ${r.rank.nearest.geo} (${r.rank.nearest.display}).`
      : r.rank === 'not-checkable'
        ? html` No source in these data lists other regions for the same date, so “largest” cannot be checked.`
        : '';
  switch (r.grade) {
    case 'accurate':
      return html`${figureText(best)} from ${byline(ctx, best)} is within ${tol} pp of the claimed ${claimed.claimed}%.${rankText}`;
    case 'out-of-date':
      return html`True for ${best.when}: ${figureText(best)} from ${byline(ctx, best)}. The latest figure is ${figureText(latest!)} from ${byline(ctx, latest!)}: ${signed(latest!.value - best.value, ' pp')}, ${signed(relative(latest!.value, best.value), '%')} since.${rankText}`;
    default: {
      const pp = r.headline.pp ?? 0;
      if (r.headline.grade === 'accurate')
        return html`${figureText(best)} from ${byline(ctx, best)} matches the claimed ${claimed.claimed}%, but not the claimed rank.${rankText}`;
      return html`The best figure, ${figureText(best)} from ${byline(ctx, best)}, is ${ppText(pp)} ${pp > 0 ? 'below' : 'above'} the claimed ${claimed.claimed}% (the claim is ${Math.abs(relative(claimed.claimed, best.value)).toFixed(0)}% ${pp > 0 ? 'higher' : 'lower'} than the data).${rankText}`;
    }
  }
}

/** The best number beside a verdict, or "no direct figure". */
const bestNumber = (r: ClaimResult): SafeHtml =>
  r.headline.best
    ? html`<span class="best">${figureValue(r.headline.best.value, r.headline.best.display)} <span class="small">(${r.headline.best.when})</span></span>`
    : html`<span class="best small">no direct figure</span>`;

/** The overview panel: each claim, its grade, the best number and one sentence, and a link to the evidence. */
export function claimsPanel(ctx: PageContext, results: readonly ClaimResult[]): SafeHtml {
  return html`<ul class="claims-panel">${results.map(
    (r) =>
      html`<li id="home-${claimAnchor(r.claim.id)}">${gradeBadge(r.grade, r.label)} ${bestNumber(r)} <a href="${ctx.href(paths.claims)}#${claimAnchor(r.claim.id)}">${r.claim.claim}</a><br><span class="small claim-sentence">${claimSentence(ctx, r)}</span></li>`,
  )}</ul>`;
}

const CSV_COLUMNS = [
  'claim_id',
  'claim_grade',
  'claim_verdict',
  'claimed_for',
  'claimed_percent',
  'figure_grade',
  'evidence_rank',
  'evidence_id',
  'best',
  'period',
  'years_off',
  'geo',
  'value_percent',
  'display',
  'why',
  'source_ids',
  'restated_by',
];

function claimsCsv(results: readonly ClaimResult[]): SiteFile {
  const rows = results.flatMap((r) =>
    r.figures.flatMap((fc) =>
      fc.evidence.map((f, i) => ({
        claim_id: r.claim.id,
        claim_grade: r.grade,
        claim_verdict: r.label,
        claimed_for: fc.claimed.year,
        claimed_percent: fc.claimed.claimed,
        figure_grade: fc.grade,
        evidence_rank: i + 1,
        evidence_id: f.evidenceId,
        best: f === fc.best,
        period: f.when,
        years_off: Number.isFinite(f.yearsOff) ? f.yearsOff : null,
        geo: f.geo,
        value_percent: f.value,
        display: f.display,
        why: f.why.join('; '),
        source_ids: f.sourceIds.join(' '),
        restated_by: f.restatedBy.join(' '),
      })),
    ),
  );
  return { path: paths.data('claims.csv'), body: toCsv(CSV_COLUMNS, rows) };
}

const STAGE_WORDS: Record<ClaimResult['claim']['stage'], string> = {
  mine: 'mining',
  refine: 'refining (compounds and metals)',
  component: 'components',
  product: 'finished products',
  capacity: 'manufacturing capacity',
};

/** What the claim measures, as the registry states it. */
function registryFacts(ctx: PageContext, r: ClaimResult): SafeHtml {
  const c = r.claim;
  return html`<dl class="claim-facts">
<dt>Measures</dt><dd>${c.metric} (${c.unit})</dd>
<dt>Stage</dt><dd>${STAGE_WORDS[c.stage]}</dd>
<dt>Numerator</dt><dd>${c.numerator}</dd>
<dt>Denominator</dt><dd>${c.denominator}</dd>
<dt>Geography</dt><dd>${c.geography}</dd>
<dt>Period</dt><dd>${c.period}</dd>
<dt>Source the article drew on</dt><dd>${c.article_source.source_id ? html`${sourceLink(ctx, c.article_source.source_id)}. ` : ''}${c.article_source.why}</dd>
<dt>Tolerance</dt><dd>±${c.tolerance_pp} percentage points; a figure tests a claimed year when its period lies within ${c.max_years_off} year${c.max_years_off === 1 ? '' : 's'} of it</dd>
${r.baskets.map((b) => html`<dt>Basket: ${b.label}</dt><dd>HS ${b.hs6.join(', ')}. ${b.why}</dd>`)}
</dl>`;
}

/** A short list: the best figures; the rest are in the CSV. */
const EVIDENCE_SHOWN = 5;

function evidenceTable(ctx: PageContext, r: ClaimResult, i: number): SafeHtml {
  const fc = r.figures[i];
  const id = `${claimAnchor(r.claim.id)}-evidence-${i}`;
  return html`<div class="evidence">
<h3 id="${id}">Evidence for the claimed ${fc.claimed.claimed}% (${fc.claimed.label === 'now' ? `now, taken as ${fc.claimed.year}` : fc.claimed.label}): ${gradeBadge(fc.grade, fc.grade === 'overstated' || fc.grade === 'understated' ? `${fc.grade === 'overstated' ? 'Overstated' : 'Understated'} by ${ppText(fc.pp!)}` : fc.grade === 'not-checkable' ? 'Not checkable' : fc.grade === 'out-of-date' ? 'Out of date' : 'Accurate')}</h3>
${
  fc.evidence.length === 0
    ? html`<p class="missing">No rows in the lake give this figure or a part of it.</p>`
    : html`<div class="table-scroll" role="region" aria-labelledby="${id}" tabindex="0"><table>
<thead><tr><th scope="col" class="num">Rank</th><th scope="col">What it measures</th><th scope="col" class="num">Figure</th><th scope="col">Period</th><th scope="col">Source</th><th scope="col">Why it ranks here</th></tr></thead>
<tbody>${fc.evidence
        .slice(0, EVIDENCE_SHOWN)
        .map(
          (f, n) =>
            html`<tr${f === fc.best ? html` class="best-row"` : ''}><td class="num">${n + 1}${f === fc.best ? html` <strong>best</strong>` : ''}</td><td>${f.evidenceLabel} <span class="small">(${f.geo})</span></td><td class="num">${figureValue(f.value, f.display)}</td><td>${f.when}</td><td>${byline(ctx, f)}${f.restatedBy.length ? html`<br><span class="small">also restated by ${sourceLinks(ctx, f.restatedBy)} (not counted again)</span>` : ''}</td><td class="small">${f.why.join('; ')}</td></tr>`,
        )}</tbody>
</table></div>${
        fc.evidence.length > EVIDENCE_SHOWN
          ? html`<p class="small">${fc.evidence.length - EVIDENCE_SHOWN} further figure${fc.evidence.length - EVIDENCE_SHOWN === 1 ? '' : 's'}, ranked lower, are in the CSV download.</p>`
          : ''
      }`
}
</div>`;
}

export function claimsPage(model: SiteModel, file: ClaimsFile, results: readonly ClaimResult[]): PagePlan {
  const csv = claimsCsv(results);
  return {
    path: paths.claims,
    title: 'Claims check',
    nav: 'claims',
    charts: [],
    sourceIds: [
      file.article.source_id,
      ...results.flatMap((r) => [
        ...r.sourceIds,
        ...(r.claim.article_source.source_id ? [r.claim.article_source.source_id] : []),
      ]),
    ],
    files: [
      csv,
      {
        path: paths.data('claims.json'),
        body:
          JSON.stringify(
            results.map((r) => ({
              id: r.claim.id,
              quote: r.claim.quote,
              grade: r.grade,
              verdict: r.label,
              figures: r.figures,
              rank: r.rank,
              context: r.context,
            })),
            null,
            1,
          ) + '\n',
      },
    ],
    body: (ctx) => html`<h1>Claims check</h1>
<p class="lede">What the seed article says, set beside what the data in this release say. Each claim states what it measures; the best figure in the data for the same thing decides its grade, and the evidence behind it is ranked, best first. The article’s figures are quotes; every other figure on this page comes from a cited source and is computed when the site is built.</p>
<p>Article: “${file.article.title}” (${file.article.published}; ${sourceLink(ctx, file.article.source_id)}). <a href="${ctx.href(csv.path)}" download>Every figure and grade (CSV)</a> · <a href="${ctx.href(paths.data('claims.json'))}">JSON</a></p>
${results.map(
  (r) => html`<section class="claim" id="${claimAnchor(r.claim.id)}" aria-labelledby="${claimAnchor(r.claim.id)}-h">
<h2 id="${claimAnchor(r.claim.id)}-h">${r.claim.claim}</h2>
<blockquote><p>“${r.claim.quote}”</p></blockquote>
<p class="verdict-line">Verdict: ${gradeBadge(r.grade, r.label)} ${bestNumber(r)} <span class="small">by the data in release ${model.release.month}</span></p>
<p class="claim-sentence">${claimSentence(ctx, r)}</p>
${registryFacts(ctx, r)}
${r.figures.map((_, i) => evidenceTable(ctx, r, i))}
${
  r.context.length
    ? html`<div class="evidence"><h3>Context (decides nothing)</h3><ul>${r.context.map((f) => html`<li>${f.evidenceLabel}: ${figureText(f)}, ${f.geo}; ${byline(ctx, f)}</li>`)}</ul></div>`
    : ''
}
${r.claim.notes ? html`<p class="small">${r.claim.notes}</p>` : ''}
</section>`,
)}
<section aria-labelledby="how"><h2 id="how">How verdicts are reached</h2>
<p>Each claim names what it measures: the stage of the supply chain (mining, refining, components, finished products or capacity), the numerator and the denominator (world production or capacity, US imports or US consumption), the geography and the period. Figures are ranked, best first: those that measure the same thing (same stage, same denominator, the whole of the numerator) before those that cover only part of it; then the nearest period; then a primary source before a restatement or secondary copy; then the newer figure. A restatement of a figure already listed is shown beside it and not counted as a second source.</p>
<p>The best figure that measures the same thing within the stated distance in years decides the grade: <strong>Accurate</strong> within the stated tolerance; <strong>Overstated</strong> or <strong>Understated</strong> by the gap in percentage points beyond it; <strong>Out of date</strong> when the claim matched the figure of its time but a later figure of the same kind no longer matches (both values and years shown); <strong>Not checkable with these data</strong> when no figure measures the same thing, with the figures for parts of it shown as proxies. To add a claim, add an entry to <code>reports/claims.json</code>; no code changes.</p>
</section>`,
  };
}
