import type { Row } from '../../seams/query-engine.ts';
import { figureValue, formatShare } from '../format.ts';
import { html, type SafeHtml } from '../html.ts';
import type { SiteModel } from '../model.ts';
import type { PageContext, PagePlan } from '../page.ts';
import type { PageFamily, PageRows } from '../page-data.ts';
import { paths } from '../paths.ts';
import { note, sourceLink } from './parts.ts';

/**
 * The dependency screen: for each framework of screen_frameworks (EC 2021, CEPII GeoDep, CRMA 65 %,
 * MGI 2023, OECD "fewer than half"), its criteria and citation, what cannot be computed for the USA,
 * the products it flags with the numbers behind each flag, their persistence and the list's churn.
 * One page; its rows come from the screen family (sql/report/screen_*.sql), one framework at a time.
 */
export const screenFamily = {
  key: 'framework_id',
  queries: {
    criteria: 'screen_framework',
    flags: 'screen_flags',
    flagCriteria: 'screen_flag_criteria',
    churn: 'screen_churn_years',
  },
} satisfies PageFamily<string>;

export type ScreenRows = PageRows<keyof typeof screenFamily.queries>;

type Verdict = 'flagged' | 'not_flagged' | 'not_computable';
type Status = 'met' | 'not_met' | 'not_computable';

interface CriterionRow {
  framework_name: string;
  criterion_id: string;
  criterion: string;
  measure: string;
  role: string;
  comparison: string;
  threshold: number;
  us_note: string;
  source_id: string;
  where_read: string;
  latest_year: number | null;
  n_met: number;
  n_not_met: number;
  n_not_computable: number;
}

interface FlagRow {
  hs6: string;
  label: string | null;
  year: number;
  latest_year: number;
  verdict: Verdict;
  classification: string | null;
  reason: string;
  flagged_years: number | null;
  decided_years: number | null;
  persistent: boolean | null;
  entered: boolean | null;
  exited: boolean | null;
  newly_persistent: boolean | null;
}

interface FlagCriterionRow {
  hs6: string;
  year: number;
  criterion_id: string;
  measure: string;
  value: number | null;
  comparison: string;
  threshold: number;
  status: Status;
  basis: string;
  source_ids: string;
}

interface ChurnRow {
  year: number;
  n_flagged: number;
  n_persistent: number;
  n_entered: number;
  n_exited: number;
  n_flagged_before: number;
  churn_rate: number | null;
}

/** One framework as the page shows it. */
export interface ScreenFramework {
  id: string;
  criteria: CriterionRow[];
  flags: FlagRow[];
  flagCriteria: FlagCriterionRow[];
  churn: ChurnRow[];
}

const asRows = <T>(rows: Row[]): T[] => rows as unknown as T[];

export const screenFrameworkOf = ({ key, rows }: ScreenRows): ScreenFramework => ({
  id: key,
  criteria: asRows<CriterionRow>(rows.criteria),
  flags: asRows<FlagRow>(rows.flags),
  flagCriteria: asRows<FlagCriterionRow>(rows.flagCriteria),
  churn: asRows<ChurnRow>(rows.churn),
});

const VERDICT_WORDS: Record<Verdict, string> = {
  flagged: 'flagged',
  not_flagged: 'not flagged',
  not_computable: 'undecided',
};
const STATUS_WORDS: Record<Status, string> = { met: 'met', not_met: 'not met', not_computable: 'not computable' };

/** A verdict badge: the words carry the meaning, the class the colour; the hover gives the deciding criteria. */
const verdictBadge = (verdict: Verdict, reason: string): SafeHtml =>
  html`<span class="verdict flag-${verdict}" title="${reason}">${VERDICT_WORDS[verdict]}</span>`;

/** A criterion's value as its measure reads: HHI to three decimals, shares in percent, ratios to two decimals. */
function formatCriterion(measure: string, value: number): string {
  if (measure.endsWith('_hhi')) return value.toFixed(3);
  if (measure.endsWith('_share') || measure === 'supplier_ratio') return formatShare(value);
  return value >= 9999 ? '9999 (no US exports)' : value.toFixed(2);
}

const testOf = (c: Pick<CriterionRow, 'measure' | 'comparison' | 'threshold'>) =>
  `${c.comparison} ${formatCriterion(c.measure, c.threshold)}`;

const anchorOf = (framework: string) => `framework-${framework}`;

/** The source ids the page cites: each framework's and those of the figures behind its flags. */
function citedSources(model: SiteModel, frameworks: readonly ScreenFramework[]): string[] {
  const ids = frameworks.flatMap((f) => [
    ...f.criteria.map((c) => c.source_id),
    ...f.flagCriteria.flatMap((c) => c.source_ids.split(',')),
  ]);
  return [...new Set(ids)].filter((id) => model.source(id) !== undefined).sort();
}

function criteriaTable(f: ScreenFramework): SafeHtml {
  const year = f.criteria[0]?.latest_year;
  return html`<div class="table-scroll"><table>
<caption>Criteria, and how many products meet each in ${year ?? 'the latest year'}</caption>
<thead><tr><th scope="col">Criterion</th><th scope="col">Test</th><th scope="col">Role</th><th scope="col" class="num">Met</th><th scope="col" class="num">Not met</th><th scope="col" class="num">Not computable</th><th scope="col">For the USA</th></tr></thead>
<tbody>${f.criteria.map(
    (c) =>
      html`<tr><td>${c.criterion} <span class="code">${c.criterion_id}</span></td><td><code>${c.measure}</code> ${testOf(c)}</td><td>${c.role === 'classifier' ? 'classifies a flag' : 'condition'}</td><td class="num">${c.n_met}</td><td class="num">${c.n_not_met}</td><td class="num">${c.n_not_computable}</td><td class="small">${c.us_note}</td></tr>`,
  )}</tbody>
</table></div>`;
}

/** What these data cannot decide, said plainly, criterion by criterion. */
function notComputable(f: ScreenFramework): SafeHtml | '' {
  const missing = f.criteria.filter((c) => c.n_not_computable > 0);
  if (missing.length === 0) return '';
  return note(
    'Not computable with these data',
    html`<ul>${missing.map((c) => {
      const total = c.n_met + c.n_not_met + c.n_not_computable;
      return html`<li><span class="code">${c.criterion_id}</span>: not computable for ${c.n_not_computable} of ${total} products in ${c.latest_year ?? ''}. ${c.us_note}</li>`;
    })}</ul><p class="small">A criterion that cannot be computed is never guessed: a product that meets every other condition stays <em>undecided</em>.</p>`,
  );
}

/** Flagged N of the last 3 years (GeoDep's persistence test: at least 2), saying how many of them could be decided. */
function persistenceText(latest: FlagRow | undefined): string {
  if (latest?.flagged_years === null || latest?.flagged_years === undefined) return 'no verdict in the latest year';
  const decided = latest.decided_years !== null && latest.decided_years < 3 ? `; ${latest.decided_years} decided` : '';
  return `flagged ${latest.flagged_years} of the last 3 years${decided}${latest.persistent ? ' (persistent)' : ''}`;
}

const churnText = (years: readonly FlagRow[]): string => {
  const moves = years.flatMap((y) => [
    ...(y.entered ? [`entered ${y.year}`] : []),
    ...(y.exited ? [`left ${y.year}`] : []),
  ]);
  return moves.length ? moves.join(', ') : 'no entry or exit';
};

function flagsTable(ctx: PageContext, f: ScreenFramework): SafeHtml {
  const products = [...new Set(f.flags.map((r) => r.hs6))];
  const latest = f.flags[0]?.latest_year;
  if (products.length === 0 || latest === undefined)
    return html`<p>No product is flagged, or meets every computable condition, in the framework’s last three screened years.</p>`;
  const window = [latest - 2, latest - 1, latest];
  return html`<div class="table-scroll"><table class="screen-flags">
<caption>Products flagged (or undecided with every computable condition met), ${window[0]}–${latest}</caption>
<thead><tr><th scope="col">Product</th>${window.map((y) => html`<th scope="col">${y}</th>`)}<th scope="col">Persistence</th><th scope="col">Churn</th><th scope="col">Criteria behind the verdict</th></tr></thead>
<tbody>${products.map((hs6) => {
    const years = f.flags.filter((r) => r.hs6 === hs6);
    const byYear = new Map(years.map((r) => [r.year, r]));
    const criteria = f.flagCriteria.filter((c) => c.hs6 === hs6);
    return html`<tr><th scope="row"><a href="${ctx.href(paths.product(hs6))}">${years[0].label ?? `HS ${hs6}`}</a> <span class="code">${hs6}</span></th>
${window.map((y) => {
  const r = byYear.get(y);
  return html`<td>${r ? verdictBadge(r.verdict, r.reason) : html`<span class="missing">no data</span>`}${r?.classification ? html` <span class="when">${r.classification.replace('_', '-')}</span>` : ''}</td>`;
})}
<td>${persistenceText(byYear.get(latest))}</td><td>${churnText(years)}</td>
<td class="small">${criteria.length ? html`${criteria[0].year}: ` : ''}${criteria.map(
      (c, i) =>
        html`${i > 0 ? '; ' : ''}<span title="${c.basis}">${c.criterion_id} ${c.value === null ? html`<span class="missing">not computable</span>` : html`${figureValue(c.value, formatCriterion(c.measure, c.value))} ${testOf(c)}: ${STATUS_WORDS[c.status]}`}</span>`,
    )}</td></tr>`;
  })}</tbody>
</table></div>`;
}

function churnTable(f: ScreenFramework): SafeHtml | '' {
  if (f.churn.length === 0) return '';
  return html`<div class="table-scroll"><table>
<caption>How the list moves</caption>
<thead><tr><th scope="col">Year</th><th scope="col" class="num">Flagged</th><th scope="col" class="num">Persistent (≥ 2 of 3 years)</th><th scope="col" class="num">Entered</th><th scope="col" class="num">Left</th><th scope="col" class="num">Churn</th></tr></thead>
<tbody>${f.churn.map(
    (c) =>
      html`<tr><td>${c.year}</td><td class="num">${c.n_flagged}</td><td class="num">${c.n_persistent}</td><td class="num">${c.n_entered}</td><td class="num">${c.n_exited}</td><td class="num">${c.churn_rate === null ? html`<span class="missing">n/a</span>` : html`${figureValue(c.churn_rate, formatShare(c.churn_rate, 0))} <span class="when">of ${c.n_flagged_before}</span>`}</td></tr>`,
  )}</tbody>
</table></div>`;
}

function frameworkSection(ctx: PageContext, f: ScreenFramework): SafeHtml {
  const head = f.criteria[0];
  const name = head?.framework_name ?? f.id;
  return html`<section aria-labelledby="${anchorOf(f.id)}"><h2 id="${anchorOf(f.id)}">${name}</h2>
<p>Framework <span class="code">${f.id}</span>. Citation: ${head ? sourceLink(ctx, head.source_id) : f.id}. A product is flagged when every condition below is met.</p>
${criteriaTable(f)}
${notComputable(f)}
${flagsTable(ctx, f)}
${churnTable(f)}
<p class="small">Where the method was read: ${[...new Set(f.criteria.map((c) => c.where_read))].join(' · ')}.</p>
</section>`;
}

export function screenPage(model: SiteModel, frameworks: readonly ScreenFramework[]): PagePlan {
  return {
    path: paths.screen,
    title: 'Dependency screen',
    nav: 'screen',
    charts: [],
    sourceIds: citedSources(model, frameworks),
    body: (ctx) => html`<h1>Dependency screen</h1>
<p class="lede">Published methods that governments and researchers use to flag a <em>strategic dependency</em>, run side by side on US imports of every product with the numbers behind each flag. Each method was written for another importer (mostly the EU); where a criterion cannot be computed for the USA with these data, the screen says so and why, and never guesses a value. Flags churn from year to year, so each flag is shown with its persistence: flagged in how many of the last three years.</p>
${frameworks.length === 0 ? note('No frameworks', html`<p>The lake has no screen_frameworks rows; run the ingest and metrics steps.</p>`) : html`<nav aria-label="Frameworks"><ul>${frameworks.map((f) => html`<li><a href="#${anchorOf(f.id)}">${f.criteria[0]?.framework_name ?? f.id}</a></li>`)}</ul></nav>`}
${frameworks.map((f) => frameworkSection(ctx, f))}
<p class="small">Method in plain words on the <a href="${ctx.href(paths.methodology)}#screens">methodology page</a>; SQL: <a href="${ctx.href(paths.sql('screen_criteria'))}">screen_criteria.sql</a>, <a href="${ctx.href(paths.sql('dependency_screen'))}">dependency_screen.sql</a>, <a href="${ctx.href(paths.sql('screen_persistence'))}">screen_persistence.sql</a>, <a href="${ctx.href(paths.sql('screen_churn'))}">screen_churn.sql</a>.</p>`,
  };
}
