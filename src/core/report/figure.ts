import type { ChartDef, ChartRow } from './charts/chart.ts';
import type { CountryColours } from './charts/palette.ts';
import type { ChartRenderer } from './charts/chart-renderer.ts';
import { CHART_SIZES, type ChartSize } from './charts/theme.ts';
import { toCsv, type Cell } from './csv.ts';
import { estimatedYear, formatShare, formatUsd, formatYears } from './format.ts';
import { html, trustedMarkup, type SafeHtml } from './html.ts';
import { mounts, paths, relativeHref } from './paths.ts';
import { siteAddress, type SiteUrl } from './site-url.ts';
import { columnLabel, plainWords } from './columns.ts';

export interface SiteFile {
  path: string;
  body: string;
}

/** A chart drawn: one SVG per size variant and the downloads that travel with it. */
export interface RenderedChart {
  chart: ChartDef;
  svgs: { size: ChartSize; svg: string }[];
  csv: SiteFile;
  /** The same rows as JSON, with what they are and where they come from (a Datasette-style read API). */
  json: SiteFile;
  /** The wide variant's spec: the one to open in the Vega editor. */
  spec: SiteFile;
  /** The wide variant as a standalone SVG file, in the light theme's ink on white: the chart's download. */
  svgFile: SiteFile;
}

/** What a figure says about where its numbers stand: the release they are published in. */
export interface FigureContext {
  release: string;
  cite(sourceId: string): string;
  /** The site's public address, when the build was given one: citations then carry absolute URLs. */
  site: SiteUrl;
}

/** The last year a chart's rows cover (its sources' years). */
const dataThrough = (chart: ChartDef): number | null => {
  const years = chart.sources.flatMap((s) => s.years);
  return years.length ? Math.max(...years) : null;
};

export async function renderChart(
  chart: ChartDef,
  colours: CountryColours,
  renderer: ChartRenderer,
): Promise<RenderedChart> {
  const svgs = await Promise.all(
    CHART_SIZES.map(async (size) => ({
      size,
      svg: await renderer.render(
        size.name === 'wide' ? chart.id : `${chart.id}-${size.name}`,
        chart.spec(colours, size),
      ),
    })),
  );
  return {
    chart,
    svgs,
    csv: { path: paths.data(`${chart.id}.csv`), body: toCsv(chart.columns, chart.rows) },
    json: { path: paths.data(`${chart.id}.json`), body: chartJson(chart) },
    spec: {
      path: paths.data(`${chart.id}.vl.json`),
      body: JSON.stringify(chart.spec(colours, CHART_SIZES[0]), null, 2) + '\n',
    },
    svgFile: { path: paths.data(`${chart.id}.svg`), body: standaloneSvg(svgs[0].svg) },
  };
}

/** Ink of the light theme (reports/site.css --fg): a downloaded chart reads the same anywhere. */
const DOWNLOAD_INK = '#1c1f23';

/**
 * The inline SVG as a file of its own: its size back from the viewBox (an image viewer has no CSS to
 * size it), dark ink on white instead of the page's colours (currentColor has no page to follow).
 */
function standaloneSvg(svg: string): string {
  return (
    svg.replace(/^<svg([^>]*) viewBox="0 0 ([\d.]+) ([\d.]+)"/, (_, attrs: string, w: string, h: string) => {
      return `<svg${attrs} width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" color="${DOWNLOAD_INK}" style="color:${DOWNLOAD_INK};background-color:#ffffff"`;
    }) + '\n'
  );
}

/** The chart's address in its release's permanent copy, from the site root: what a citation points to. */
const chartPermalink = (pagePath: string, chartId: string, release: string): string =>
  `${mounts.release(release)}${pagePath}#${chartId}`;

/**
 * "Cite this chart": title, publisher and release, the sources with their years, and the permanent
 * address: absolute under the site's base URL when the build was given it; else from the site root,
 * said as such (the build does not know where the files will be served).
 */
function chartCitation(chart: ChartDef, pagePath: string, ctx: FigureContext): string {
  const sources = chart.sources.map((s) => `${ctx.cite(s.sourceId)} (${formatYears(s.years)})`).join('; ');
  const address = siteAddress(ctx.site, chartPermalink(pagePath, chart.id, ctx.release));
  const relative = ctx.site ? '' : ' (from the site’s root: this copy was built without its public address)';
  return `“${chart.title}”. chainwatch, release ${ctx.release}. Data: ${sources}. ${address}${relative}`;
}

function chartJson(chart: ChartDef): string {
  const doc = {
    id: chart.id,
    title: chart.title,
    description: chart.description,
    sources: chart.sources.map((s) => ({ source_id: s.sourceId, years: [...new Set(s.years)].sort((a, b) => a - b) })),
    sql: chart.tables.map(paths.sql),
    columns: chart.columns,
    rows: chart.rows.map((r) => Object.fromEntries(chart.columns.map((c) => [c, r[c] ?? null]))),
  };
  return JSON.stringify(doc, null, 1) + '\n';
}

/** Table cells formatted like the rest of the page; the CSV keeps full precision. */
function formatCell(column: string, value: Cell): string {
  if (typeof value !== 'number') return value === null ? '' : String(value);
  if (column === 'value_usd') return formatUsd(value);
  if (column === 'hhi') return value.toFixed(3);
  if (column.endsWith('share') || /^cr\d$/.test(column)) return formatShare(value);
  return String(value);
}

/** A cell as a reader reads it: a source by its short name, an identifier-like value in words. */
function readerCell(column: string, value: Cell, ctx: FigureContext): string {
  if (typeof value === 'string' && column === 'source_id') return ctx.cite(value);
  if (typeof value === 'string' && /^[a-z0-9]+(_[a-z0-9]+)+$/.test(value)) return plainWords(value);
  return formatCell(column, value);
}

/** A row's cell in the reader's table: a year the source estimated reads "2025 (est.)" (the CSV keeps the year and is_estimate). */
const tableCell = (column: string, row: ChartRow, ctx: FigureContext): string =>
  column === 'year' && row.is_estimate === true
    ? estimatedYear(Number(row.year), true)
    : readerCell(column, row[column] ?? null, ctx);

/**
 * The figure as it appears on a page: the inline SVG, a caption with the takeaway and the sources
 * (short name and years, linked to the full citation), links to the CSV and the spec, and the same
 * rows as a table for readers who cannot see the chart.
 */
export function figureHtml(rendered: RenderedChart, pagePath: string, ctx: FigureContext): SafeHtml {
  const { chart } = rendered;
  const href = (to: string) => relativeHref(pagePath, to);
  const sources = chart.sources.map(
    (s, i) =>
      html`${i > 0 ? '; ' : ''}<a href="${href(paths.sources)}#${paths.sourceAnchor(s.sourceId)}">${ctx.cite(s.sourceId)}</a> (${formatYears(s.years)})`,
  );
  const through = dataThrough(chart);
  // The source id column already reads as the source's short name; a chart's own name column would repeat it.
  // Whether a figure is an estimate is read in its year ("2025 (est.)"), not as a column of true/false.
  // A measure reads as its series' name where the chart has one.
  const shown = chart.columns.filter(
    (c) =>
      !(c === 'source' && chart.columns.includes('source_id')) &&
      !(c === 'measure' && chart.columns.includes('series')) &&
      c !== 'is_estimate',
  );
  return html`<figure class="chart" id="${chart.id}" data-title="${chart.title}">
<div class="chart-svg">${rendered.svgs.map(({ size, svg }) => html`<div class="chart-${size.name}">${trustedMarkup(svg)}</div>`)}</div>
<figcaption>
<p class="takeaway">${chart.takeaway}</p>
<p class="chart-meta">Source: ${sources}. As of: data through ${through ?? 'n/a'}, release ${ctx.release}.</p>
<p class="chart-meta chart-share"><a class="permalink" href="#${chart.id}" aria-label="Link to this chart: ${chart.title}">#</a> Link · Download: <a href="${href(rendered.svgFile.path)}" download aria-label="Download this chart as SVG: ${chart.title}">SVG</a><span class="chart-png"></span></p>
<details class="chart-cite"><summary>Cite this chart<span class="visually-hidden">: ${chart.title}</span></summary><p>${chartCitation(chart, pagePath, ctx)}</p></details>
<p class="chart-meta">Data: <a href="${href(rendered.csv.path)}" download>CSV</a> · <a href="${href(rendered.json.path)}">JSON</a> · <a href="${href(rendered.spec.path)}">Chart spec (Vega-Lite)</a> · SQL: ${chart.tables.map(
    (t, i) => html`${i > 0 ? ', ' : ''}<a href="${href(paths.sql(t))}"><code>${t}.sql</code></a>`,
  )}</p>
</figcaption>
<details class="chart-data"><summary>Data table<span class="visually-hidden">: ${chart.title}</span></summary>
<div class="table-scroll"><table>
<thead><tr>${shown.map((c) => html`<th scope="col">${columnLabel(c)}</th>`)}</tr></thead>
<tbody>${chart.rows.map((r) => html`<tr>${shown.map((c) => html`<td>${tableCell(c, r, ctx)}</td>`)}</tr>`)}</tbody>
</table></div>
</details>
</figure>`;
}
