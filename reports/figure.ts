import type { ChartDef } from './charts/chart.ts';
import type { CountryColours } from './charts/palette.ts';
import { renderChartSvg } from './charts/render.ts';
import { CHART_SIZES, type ChartSize } from './charts/theme.ts';
import { toCsv, type Cell } from './csv.ts';
import { formatShare, formatUsd, formatYears } from './format.ts';
import { html, trustedMarkup, type SafeHtml } from './html.ts';
import { paths, relativeHref } from './paths.ts';

export interface SiteFile {
  path: string;
  body: string;
}

/** A chart drawn: one SVG per size variant and the two downloads that travel with it. */
export interface RenderedChart {
  chart: ChartDef;
  svgs: { size: ChartSize; svg: string }[];
  csv: SiteFile;
  /** The wide variant's spec: the one to open in the Vega editor. */
  spec: SiteFile;
}

export async function renderChart(chart: ChartDef, colours: CountryColours): Promise<RenderedChart> {
  const svgs = [];
  for (const size of CHART_SIZES) {
    svgs.push({ size, svg: await renderChartSvg(size.name === 'wide' ? chart.id : `${chart.id}-${size.name}`, chart.spec(colours, size)) });
  }
  return {
    chart,
    svgs,
    csv: { path: paths.data(`${chart.id}.csv`), body: toCsv(chart.columns, chart.rows) },
    spec: { path: paths.data(`${chart.id}.vl.json`), body: JSON.stringify(chart.spec(colours, CHART_SIZES[0]), null, 2) + '\n' },
  };
}

/** Table cells formatted like the rest of the page; the CSV keeps full precision. */
function formatCell(column: string, value: Cell): string {
  if (typeof value !== 'number') return value === null ? '' : String(value);
  if (column === 'value_usd') return formatUsd(value);
  if (column === 'hhi') return value.toFixed(3);
  if (column.endsWith('share') || /^cr\d$/.test(column)) return formatShare(value);
  return String(value);
}

/**
 * The figure as it appears on a page: the inline SVG, a caption with the takeaway and the sources
 * (short name and years, linked to the full citation), links to the CSV and the spec, and the same
 * rows as a table for readers who cannot see the chart.
 */
export function figureHtml(rendered: RenderedChart, pagePath: string, citeName: (sourceId: string) => string): SafeHtml {
  const { chart } = rendered;
  const href = (to: string) => relativeHref(pagePath, to);
  const sources = chart.sources.map(
    (s, i) =>
      html`${i > 0 ? '; ' : ''}<a href="${href(paths.sources)}#${paths.sourceAnchor(s.sourceId)}">${citeName(s.sourceId)}</a> (${formatYears(s.years)})`,
  );
  return html`<figure class="chart" id="${chart.id}">
<div class="chart-svg">${rendered.svgs.map(({ size, svg }) => html`<div class="chart-${size.name}">${trustedMarkup(svg)}</div>`)}</div>
<figcaption>
<p class="takeaway">${chart.takeaway}</p>
<p class="chart-meta">Source: ${sources}. <a href="${href(rendered.csv.path)}" download>Data (CSV)</a> · <a href="${href(rendered.spec.path)}">Chart spec (Vega-Lite)</a></p>
</figcaption>
<details class="chart-data"><summary>Data table</summary>
<div class="table-scroll"><table>
<thead><tr>${chart.columns.map((c) => html`<th scope="col">${c}</th>`)}</tr></thead>
<tbody>${chart.rows.map((r) => html`<tr>${chart.columns.map((c) => html`<td>${formatCell(c, r[c] ?? null)}</td>`)}</tr>`)}</tbody>
</table></div>
</details>
</figure>`;
}
