import type { Config } from 'vega-lite';
import { estimateTextWidth } from './text-width.ts';

/** A fixed font list, the same as the page's, so text width estimates (and so layouts) never vary by machine. */
const CHART_FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

/**
 * Each chart is drawn twice: wide for the page column and narrow for phones (CSS shows one). A
 * variant lays every chart out to the same total width (axes and legends included, autosize fit-x),
 * so all SVGs scale by the same factor and their text comes out the same size.
 */
export interface ChartSize {
  name: 'wide' | 'narrow';
  width: number;
  legendColumns: number;
  /** Longest category label (bar charts), px. */
  labelLimit: number;
  /** Longest legend label, px: a legend never runs past the chart's edge. */
  legendLabelLimit: number;
}

export const CHART_SIZES: readonly ChartSize[] = [
  { name: 'wide', width: 640, legendColumns: 3, labelLimit: 280, legendLabelLimit: 560 },
  { name: 'narrow', width: 360, legendColumns: 1, labelLimit: 150, legendLabelLimit: 250 },
];
const CHART_HEIGHT = 260;
const TITLE_SIZE = 15;
const SUBTITLE_SIZE = 12;
const AXIS_LABEL_SIZE = 12;
const LEGEND_LABEL_SIZE = 12;
const PADDING = 8;

/**
 * Dark mode: all chart ink is `currentColor` and the background is transparent, so the inline SVG
 * takes the page's text colour under `prefers-color-scheme`; data colours come from a palette that
 * reads on both backgrounds. One SVG per chart, no JavaScript.
 */
const chartConfig: Config = {
  font: CHART_FONT,
  background: 'transparent',
  padding: PADDING,
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
    labelFontSize: AXIS_LABEL_SIZE,
    titleFontSize: 12,
    titleFontWeight: 'normal',
  },
  legend: {
    labelColor: 'currentColor',
    titleColor: 'currentColor',
    labelFontSize: LEGEND_LABEL_SIZE,
    titleFontSize: 12,
    titleFontWeight: 'normal',
    orient: 'bottom',
    direction: 'vertical',
    columns: 2,
  },
  title: {
    color: 'currentColor',
    subtitleColor: 'currentColor',
    fontSize: TITLE_SIZE,
    subtitleFontSize: SUBTITLE_SIZE,
    anchor: 'start',
    offset: 12,
  },
  text: { color: 'currentColor' },
  line: { strokeWidth: 2.5 },
  point: { size: 45, filled: true },
};

/**
 * A category axis (the bars' names) whose long labels wrap onto two lines within the size's label
 * width instead of being cut short on a phone; a label longer than two lines is cut at the end of the
 * second. Vega does not wrap labels: the wrapped lines are given per label as an expression.
 */
export function categoryAxis(labels: readonly string[], size: ChartSize) {
  const wrapped: Record<string, string[]> = {};
  for (const label of new Set(labels)) {
    const lines = wrapLines(label, AXIS_LABEL_SIZE, false, size.labelLimit);
    if (lines.length > 1) wrapped[label] = [lines[0], lines.slice(1).join(' ')];
  }
  return {
    title: null,
    labelLimit: size.labelLimit,
    labelLineHeight: AXIS_LABEL_SIZE + 1,
    ...(Object.keys(wrapped).length > 0 ? { labelExpr: `${JSON.stringify(wrapped)}[datum.label] || datum.label` } : {}),
  };
}

/**
 * A legend's labels wrapped onto as many lines as they need within the legend's label width
 * (`limit`: the size's legendLabelLimit), instead of being cut short with "…" on a phone: the
 * reader needs the whole of a band's or a source's name. Vega does not wrap legend labels; the
 * lines are given per label as an expression.
 */
export function wrappedLegendLabels(labels: readonly string[], limit: number) {
  const wrapped: Record<string, string[]> = {};
  for (const label of new Set(labels)) {
    const lines = wrapLines(label, LEGEND_LABEL_SIZE, false, limit);
    if (lines.length > 1) wrapped[label] = lines;
  }
  return Object.keys(wrapped).length > 0
    ? { labelExpr: `${JSON.stringify(wrapped)}[datum.label] || datum.label`, labelLineHeight: LEGEND_LABEL_SIZE + 2 }
    : {};
}

/** Year axis: whole years only. */
export const yearAxis = { format: 'd', tickMinStep: 1, title: null, labelAngle: 0 } as const;
/** Share axis: 0–1 shown as percent. */
export const shareAxis = { format: '.0%', title: null } as const;

/** The parts every chart spec shares: schema, title, description (→ aria-label), size and config. */
export const baseSpec = (
  title: string,
  subtitle: string,
  description: string,
  size: ChartSize,
  height = CHART_HEIGHT,
) =>
  ({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: wrapLines(title, TITLE_SIZE, true, size.width - 2 * PADDING),
      subtitle: wrapLines(subtitle, SUBTITLE_SIZE, false, size.width - 2 * PADDING),
    },
    description,
    width: size.width,
    height,
    autosize: { type: 'fit-x', contains: 'padding' },
    config: { ...chartConfig, legend: { ...chartConfig.legend, labelLimit: size.legendLabelLimit } },
  }) as const;

/** d3 SI labels in words readers expect: "$1.2G" → "$1.2 bn", "$300M" → "$300 m". */
export const usdAxisLabels = "replace(replace(datum.label, 'G', ' bn'), 'M', ' m')";

/** Greedy word wrap to the chart width (Vega titles do not wrap by themselves). */
export function wrapLines(text: string, fontSize: number, bold: boolean, width: number): string[] {
  const lines: string[] = [];
  for (const word of text.split(' ')) {
    const last = lines.at(-1);
    if (last !== undefined && estimateTextWidth(`${last} ${word}`, fontSize, bold) <= width)
      lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}
