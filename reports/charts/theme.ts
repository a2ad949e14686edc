import type { Config } from 'vega-lite';

/** A fixed font list, the same as the page's, so text width estimates (and so layouts) never vary by machine. */
export const CHART_FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

/**
 * Every chart is laid out to the same total width (axes and legends included, autosize fit-x), so
 * all SVGs scale by the same factor into the page column and their text comes out the same size.
 */
export const CHART_WIDTH = 640;
export const CHART_HEIGHT = 260;

/**
 * Dark mode: all chart ink is `currentColor` and the background is transparent, so the inline SVG
 * takes the page's text colour under `prefers-color-scheme`; data colours come from a palette that
 * reads on both backgrounds. One SVG per chart, no JavaScript.
 */
export const chartConfig: Config = {
  font: CHART_FONT,
  background: 'transparent',
  padding: 8,
  view: { stroke: null },
  axis: {
    labelColor: 'currentColor',
    titleColor: 'currentColor',
    domainColor: 'currentColor',
    tickColor: 'currentColor',
    gridColor: 'currentColor',
    gridOpacity: 0.15,
    domainOpacity: 0.6,
    tickOpacity: 0.6,
    labelFontSize: 12,
    titleFontSize: 12,
    titleFontWeight: 'normal',
  },
  legend: {
    labelColor: 'currentColor',
    titleColor: 'currentColor',
    labelFontSize: 12,
    titleFontSize: 12,
    titleFontWeight: 'normal',
    orient: 'bottom',
    direction: 'vertical',
    columns: 2,
    labelLimit: 300,
  },
  title: { color: 'currentColor', subtitleColor: 'currentColor', fontSize: 15, subtitleFontSize: 12, anchor: 'start', offset: 12, limit: CHART_WIDTH },
  text: { color: 'currentColor' },
  line: { strokeWidth: 2.5 },
  point: { size: 45, filled: true },
};


/** Year axis: whole years only. */
export const yearAxis = { format: 'd', tickMinStep: 1, title: null, labelAngle: 0 } as const;
/** Share axis: 0–1 shown as percent. */
export const shareAxis = { format: '.0%', title: null } as const;

/** The parts every chart spec shares: schema, title, description (→ aria-label), size and config. */
export const baseSpec = (title: string, subtitle: string, description: string, height = CHART_HEIGHT) =>
  ({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle },
    description,
    width: CHART_WIDTH,
    height,
    autosize: { type: 'fit-x', contains: 'padding' },
    config: chartConfig,
  }) as const;

/** d3 SI labels in words readers expect: "$1.2G" → "$1.2 bn", "$300M" → "$300 m". */
export const usdAxisLabels = "replace(replace(datum.label, 'G', ' bn'), 'M', ' m')";
