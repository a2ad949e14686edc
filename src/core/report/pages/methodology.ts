import { formatShare } from '../format.ts';
import { html, type SafeHtml } from '../html.ts';
import type { SiteModel } from '../model.ts';
import type { PageContext, PagePlan } from '../page.ts';
import { paths } from '../paths.ts';
import { HHI_BANDS, MAJORITY_SHARE, NES_WARNING_SHARE } from '../thresholds.ts';
import { screenMethodSection, screenMethodSources } from './methodology-screens.ts';

interface MetricDoc {
  name: string;
  formula: string;
  notes: string;
  table: string;
}

/** Each metric, its formula as computed, and the SQL file that computes it. */
const METRICS: MetricDoc[] = [
  {
    name: 'Source of a trade cell',
    formula: 'one source per reporter × product × flow × year',
    notes:
      'When several sources cover a cell, UN Comtrade is used, then the bundled mart, then US Census; values of different releases or valuation bases are never added up.',
    table: 'trade_cell_sources',
  },
  {
    name: 'Supplier share',
    formula: 'sᵢ = xᵢ / X, X = Σ xᵢ over supplier countries',
    notes:
      'xᵢ is the value of US imports from country i. Aggregates (World, “areas not elsewhere specified”, bunkers, free zones) are never suppliers; ties are ranked by value, then ISO3.',
    table: 'supplier_shares',
  },
  {
    name: 'HHI (Herfindahl–Hirschman index)',
    formula: 'HHI = Σ sᵢ², on 0–1; × 10,000 for “points”',
    notes:
      '1 when one country supplies everything, 1/N for N equal suppliers. Normalized HHI (HHI − 1/N)/(1 − 1/N) is in the table but never used for thresholds: it moves with N.',
    table: 'concentration',
  },
  {
    name: 'CR1, CR3',
    formula: 'sum of the 1 or 3 largest shares',
    notes: 'CR1 is also the share of imports at risk if the top supplier stops.',
    table: 'concentration',
  },
  {
    name: 'Effective number of suppliers',
    formula: 'n_eff = 1 / HHI',
    notes: 'The number of equal-sized suppliers that would give the same HHI.',
    table: 'concentration',
  },
  {
    name: 'Unallocated share',
    formula: 'nes_share = x_nes / (X + x_nes)',
    notes: `Value reported against “nes” areas; a product page warns above ${formatShare(NES_WARNING_SHARE, 0)}.`,
    table: 'concentration',
  },
  {
    name: 'China, allies, covered nations',
    formula: 'Σ_{i∈G} xᵢ / X, same denominator as HHI',
    notes:
      'Groups are data (a reference table of partner groups, with the years each applies): China alone; China with Hong Kong and Macao (re-exports via Hong Kong keep their origin on the import side); the allies the seed article names; the US “covered nations”.',
    table: 'dependency',
  },
  {
    name: 'Trade trend',
    formula:
      'YoY = X_t / X_{t−1} − 1; CAGR = (X₁/X₀)^(1/(y₁−y₀)) − 1; China share change in pp; OLS slope of the China share (n ≥ 5)',
    notes: 'A missing year is missing, never zero; YoY needs the previous year.',
    table: 'trade_trend',
  },
  {
    name: 'Latest edition of a production figure',
    formula: 'one USGS edition per commodity, stage, measure, unit, country and year: the latest',
    notes:
      'Each Mineral Commodity Summaries edition restates recent years (2024 is in the 2025 and the 2026 edition), so joining all editions to trade by year would count a year twice. The table keeps the latest edition, names it, and marks estimated or projected values as provisional; the shares below still treat each edition as its own series.',
    table: 'production_latest',
  },
  {
    name: 'Share of world production',
    formula: 'value / Σ countries (+ the source’s “other countries” residual); a published share as published',
    notes:
      'Only where the listed rows make up the world (a World row within 5 %, or an “other” residual). Each source and measure is its own series.',
    table: 'production_shares',
  },
  {
    name: 'Production trend',
    formula: 'first and last share, change in pp, relative change, CAGR of the share, OLS slope (n ≥ 5)',
    notes: 'Per country, source and measure.',
    table: 'production_trend',
  },
  {
    name: 'Concentration by stage',
    formula: 'CR3 and HHI of country shares per series and year',
    notes:
      'The IEA’s measure: mining, refining and manufacturing compared side by side. Shown only over at least 3 countries.',
    table: 'production_concentration',
  },
  {
    name: 'World supply',
    formula: 'HHI, CR1, CR3 and China share of world exports by exporter (or of world production by country)',
    notes:
      'Exports to World, or reconciled bilateral flows summed over importers; one dataset per product series, so a change of listing never reads as a change of concentration. Its coverage (complete, top flows, reporters, country list) travels with each row.',
    table: 'world_supply',
  },
  {
    name: 'Two-sided concentration',
    formula: 'US-import HHI against world-export HHI, both tested against 0.3',
    notes:
      'McKinsey Global Institute (2023): global (both above), economy-specific (US imports above, world supply not), not concentrated; not computable without a world figure.',
    table: 'supply_two_sided',
  },
  {
    name: 'Dependency screen criteria',
    formula: 'each criterion of screen_frameworks: measure, strict comparison, threshold',
    notes:
      'EC SWD(2021) 352, CEPII GeoDep, CRMA 65 %, MGI 0.3, OECD “fewer than half”; a criterion without data is not computable, with its reason, never guessed.',
    table: 'screen_criteria',
  },
  {
    name: 'Dependency screen verdict',
    formula: 'flagged when every condition is met; not flagged when one is not; else not computable',
    notes: 'One verdict per product, year and framework.',
    table: 'dependency_screen',
  },
  {
    name: 'Persistence',
    formula: 'flagged in ≥ 2 of the last 3 years',
    notes: 'CEPII GeoDep’s fourth criterion; entries and exits since the previous year.',
    table: 'screen_persistence',
  },
  {
    name: 'Churn',
    formula: 'products leaving the list / products flagged the year before',
    notes: 'Vicard & Wibaux (CEPII 2023): about one in five EU-dependent products leaves the list each year.',
    table: 'screen_churn',
  },
  {
    name: 'Mirror gap',
    formula: 'partner-reported exports − US-reported imports, in USD and % of imports',
    notes: 'Exports are FOB, US imports customs value: valuation alone would make imports the larger side.',
    table: 'mirror_gaps',
  },
  {
    name: 'Monthly anomaly',
    formula: 'z = (x − trailing 24-month mean) / trailing SD; anomaly when |z| > 2',
    notes: 'Only with all 24 previous months; the share shift only where the month’s World total is known.',
    table: 'monthly_anomalies',
  },
  {
    name: 'Coverage',
    formula: 'rows per table, product, year and source, and whether they are provisional',
    notes:
      'What the lake holds, for analysts: a basket product without trade rows is listed with none. Trade from a source’s latest complete year on is provisional (offices revise it), as are estimated values and projections; every trade table carries the same flag per cell.',
    table: 'coverage',
  },
];

const PITFALLS: { title: string; body: SafeHtml }[] = [
  {
    title: 'Taiwan is “Other Asia, nes” (code 490)',
    body: html`UN Comtrade cannot show data referring to Taiwan and publishes it as partner 490. Ingest maps 490 to TWN before any share, HHI or ally metric, and each product page says so where it applies. Dropping 490 (as an aggregate) would make Taiwan vanish and inflate everyone else’s share.`,
  },
  {
    title: 'Aggregates are not suppliers',
    body: html`World totals, “areas not elsewhere specified”, bunkers, free zones and country groups are flagged as aggregates from the reference country table and left out of every denominator. Counting the World row would halve every share; exploding a group into its members would count trade twice.`,
  },
  {
    title: 'CIF and FOB',
    body: html`Import values are the importer’s statistics (importers record origin best). The US headline import value is the customs value, recorded on every row as <code>value_basis</code>; values of different bases are never mixed within one HHI. Where a reporter is missing, a mirror (exporter-reported, FOB) value would be flagged, never silently substituted.`,
  },
  {
    title: 'HS vintages',
    body: html`HS codes change every five years (HS2017 = H5, HS2022 = H6). The bundled trade mart bridges H5 and H6 to one canonical HS6 code per product; each row keeps <code>hs_vintage</code> (null when bridged), so a break at a revision year can be traced.`,
  },
  {
    title: 'Hong Kong re-exports',
    body: html`Goods shipped via Hong Kong keep their origin on the import side; shares are shown with China alone and with Hong Kong and Macao, both ways.`,
  },
  {
    title: 'Capacity and trade are different things',
    body: html`Shares of world capacity (where fabs or mines are) come from published reports and cannot be derived from trade. Trade records the processing country as origin: refined rare earths from Estonia or Japan may come from Chinese concentrate.`,
  },
  {
    title: 'Revisions',
    body: html`Statistical offices restate past years; the latest year may be provisional. The “what changed” page separates revisions of history from new data.`,
  },
];

const sqlLink = (ctx: PageContext, table: string) =>
  html`<a href="${ctx.href(paths.sql(table))}"><code>${table}.sql</code></a>`;

export function methodologyPage(model: SiteModel): PagePlan {
  const groups = [...new Set(model.partnerGroups.map((g) => g.group_id))].sort();
  return {
    path: paths.methodology,
    title: 'Methodology',
    nav: 'methodology',
    charts: [],
    sourceIds: [...new Set([...model.partnerGroups.map((g) => g.source_id), ...screenMethodSources(model)])],
    body: (ctx) => html`<h1>Methodology</h1>
<p class="lede">How every figure is computed, which thresholds the pages use and why, and the traps in trade statistics the pipeline handles. Every metric is one SQL file, run by DuckDB locally and Athena in AWS; the links open the exact file.</p>
<section aria-labelledby="metrics"><h2 id="metrics">Metrics</h2>
<div class="table-scroll"><table class="method-table">
<thead><tr><th scope="col">Metric</th><th scope="col">Formula</th><th scope="col">Notes</th><th scope="col">SQL</th></tr></thead>
<tbody>${METRICS.map((m) => html`<tr><th scope="row">${m.name}</th><td><code>${m.formula}</code></td><td>${m.notes}</td><td>${sqlLink(ctx, m.table)}</td></tr>`)}
<tr><th scope="row">Exposure</th><td>at risk if the top supplier stops = CR1; if China stops = China share; ally cover = allies’ exports of the product to the world / US imports from China</td><td>Ally cover needs world export data (trade rows with flow X from allied reporters); without them the product page says it is not available rather than estimating it.</td><td>${sqlLink(ctx, 'concentration')}, ${sqlLink(ctx, 'dependency')}</td></tr>
</tbody></table></div></section>
<section aria-labelledby="thresholds"><h2 id="thresholds">Thresholds and their sources</h2>
<dl class="method">
${HHI_BANDS.map((b) => html`<dt>HHI ${b.from.toFixed(2)}</dt><dd>${b.label}.</dd>`)}
<dt>Top supplier above ${formatShare(MAJORITY_SHARE, 0)}</dt><dd>More than half of imports from one country: the Korea Institute for Industrial Economics and Trade’s “sensitive item” test (with a trade deficit), also the Korean government’s early-warning line.</dd>
<dt>Unallocated above ${formatShare(NES_WARNING_SHARE, 0)}</dt><dd>A product page warns when more than this share of its imports is reported against “nes” areas (metrics specification §4.6).</dd>
<dt>Claims check</dt><dd>Each claim states its tolerance and rule in <code>reports/claims.json</code>; the <a href="${ctx.href(paths.claims)}">claims page</a> prints them beside each verdict.</dd>
</dl>
<p class="small">Antitrust bands were designed for firms in a market, not countries in a supply chain; they are used here as reference lines. The 2023 US merger guidelines keep only one band (HHI above 0.18, “highly concentrated”).</p></section>
<section aria-labelledby="groups"><h2 id="groups">Country groups</h2>
<p>Groups in this release: ${groups.map(
      (g, i) =>
        html`${i > 0 ? ', ' : ''}<code>${g}</code> (${model.partnerGroups
          .filter((r) => r.group_id === g)
          .map((r) => r.iso3)
          .sort()
          .join(', ')})`,
    )}. Allies are the seed article’s grouping, a project choice; the covered nations follow 10 U.S.C. 4872.</p></section>
${screenMethodSection(ctx, model)}
<section aria-labelledby="pitfalls"><h2 id="pitfalls">Pitfalls handled</h2>
<dl class="method">${PITFALLS.map((p) => html`<dt>${p.title}</dt><dd>${p.body}</dd>`)}</dl></section>
<section aria-labelledby="provenance"><h2 id="provenance">Provenance and releases</h2>
<p>Every row names its source; every chart links its CSV, JSON, Vega-Lite spec and SQL, and states the years its data cover. Each monthly build is a release, kept unchanged at <code>releases/&lt;YYYY-MM&gt;/</code>; <code>latest/</code> and the site root always show the newest. The <a href="${ctx.href(paths.quality)}">data-quality page</a> counts the rows each source delivered, landed and rejected.</p></section>`,
  };
}
