import { withDefaults, type SavedQuery } from '../../sql/saved-query.ts';
import { CONSOLE_SCRIPT } from '../console-files.ts';
import { html, type SafeHtml } from '../html.ts';
import type { PageContext, PagePlan } from '../page.ts';
import { SPREADSHEET_MAX_ROWS } from '../../spreadsheet.ts';
import { paths } from '../paths.ts';
import type { PublishedTable } from '../table-files.ts';

const formatBytes = (bytes: number): string =>
  bytes < 1024
    ? `${bytes} B`
    : bytes < 1024 ** 2
      ? `${(bytes / 1024).toFixed(0)} KB`
      : `${(bytes / 1024 ** 2).toFixed(1)} MB`;

/** The statement the console opens with: one a reader can change into their own. */
const FIRST_SQL = `SELECT hs6, year, hhi, cr1, top_supplier_iso3
FROM concentration
WHERE reporter_iso3 = 'USA' AND flow = 'M'
ORDER BY hs6, year
LIMIT 20`;

const tableAnchor = (name: string) => `table-${name}`;

/**
 * A table's CSV download, or why there is none: it has more rows than a spreadsheet opens
 * (table-files.ts), and the way to a CSV all the same.
 */
const csvLink = (t: PublishedTable, ctx: PageContext): SafeHtml =>
  t.bytes.csv === null
    ? html`no CSV: more rows than a spreadsheet opens (${SPREADSHEET_MAX_ROWS.toLocaleString('en-US')}); read the Parquet file, or write one with <code>chainwatch query "SELECT * FROM ${t.name}" --out ${t.name}.csv</code>`
    : html`<a href="${ctx.href(paths.table(t.name, 'csv'))}" download>CSV</a> (${formatBytes(t.bytes.csv)})`;

/** A table's description with the identifiers it names (`source_id`) set as code. */
const withCode = (text: string): SafeHtml =>
  html`${text.split(/\b([a-z0-9]+(?:_[a-z0-9]+)+)\b/).map((part, i) => (i % 2 ? html`<code>${part}</code>` : part))}`;

/**
 * The Data page: every lake table of the release with its columns (as the engine reports them, with
 * the schema's description of each), its row count and its Parquet and CSV files (Parquet only past a
 * spreadsheet's rows), and a SQL console
 * over those files in the browser (DuckDB-WASM, loaded by the page's console script). The saved analyst
 * queries are its examples, their parameters written as their defaults.
 */
export function dataPage(
  tables: readonly PublishedTable[],
  examples: readonly SavedQuery[],
  consoleBytes: number,
): PagePlan {
  return {
    path: paths.dataPage,
    title: 'Data',
    nav: 'data',
    charts: [],
    sourceIds: [],
    scripts: [CONSOLE_SCRIPT],
    body: (ctx) => html`<h1>Data</h1>
<p class="lede">Every table of this release as Parquet and, where a spreadsheet can open it, CSV, under the names <code>chainwatch query</code>, the DuckDB views and Athena use, and a SQL console that queries them in your browser.</p>
<section aria-labelledby="console-heading">
<h2 id="console-heading">SQL console</h2>
<p>DuckDB runs in this page (DuckDB-WASM, ${formatBytes(consoleBytes)}, downloaded from this site on the first Run, then cached by the browser) over this release's Parquet files, each table under its name in the lake, so the SQL of <code>chainwatch query</code> runs here unchanged and gives the same rows. Your queries run in your browser and are sent nowhere.</p>
<form id="sql-console" class="sql-console">
<p><label for="sql-example">Example (a saved query of <code>sql/analyst/</code>, its parameters set to their defaults)</label><br>
<select id="sql-example">
<option value="">Choose an example…</option>
${examples.map((q) => html`<option value="${q.name}" data-sql="${withDefaults(q)}">${q.title}</option>`)}
</select></p>
<p><label for="sql-text">SQL</label><br>
<textarea id="sql-text" name="sql" rows="10" spellcheck="false" autocapitalize="off" autocomplete="off">${FIRST_SQL}</textarea></p>
<p><button id="sql-run" type="submit" disabled>Run</button> <span id="sql-status" role="status">The SQL console needs JavaScript.</span></p>
</form>
<div id="sql-result" class="sql-result" aria-live="polite"></div>
</section>
<section aria-labelledby="tables-heading">
<h2 id="tables-heading">Tables</h2>
<ul class="table-index">${tables.map((t) => html`<li><a href="#${tableAnchor(t.name)}"><code>${t.name}</code></a></li>`)}</ul>
${tables.map(
  (
    t,
  ) => html`<section class="data-table" id="${tableAnchor(t.name)}" data-table="${t.name}" data-parquet="${ctx.href(paths.table(t.name, 'parquet'))}">
<h3><code>${t.name}</code></h3>
<p>${withCode(t.description)}</p>
<p class="small">${t.zone === 'curated' ? 'Curated table (landed by ingest)' : 'Metric table (computed in SQL)'} · ${t.rows.toLocaleString('en-US')} rows · <a href="${ctx.href(paths.table(t.name, 'parquet'))}" download>Parquet</a> (${formatBytes(t.bytes.parquet)}) · ${csvLink(t, ctx)}</p>
<details><summary>${t.columns.length} columns</summary>
<table class="analyst">
<thead><tr><th scope="col">Column</th><th scope="col">Type</th><th scope="col">Meaning</th></tr></thead>
<tbody>${t.columns.map((c) => html`<tr><td><code>${c.name}</code></td><td>${c.type}</td><td>${c.description}</td></tr>`)}</tbody>
</table>
</details>
</section>`,
)}
</section>`,
  };
}
