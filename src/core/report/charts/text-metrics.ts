import * as vega from 'vega';
import { estimateTextWidth } from './text-width.ts';

/* Vega's side of the width table (text-width.ts): only the thread that renders charts loads Vega. */

interface TextItem {
  text?: unknown;
  fontSize?: number;
  fontWeight?: string | number;
  limit?: number;
}

/** Vega exports `textMetrics` at runtime but its typings do not declare it. */
const { textMetrics } = vega as unknown as { textMetrics: { width: (item: TextItem, text?: unknown) => number } };

/** Install the table as Vega's width function (idempotent; the same for every chart of the process). */
export function useTextWidthTable(): void {
  textMetrics.width = (item: TextItem, text?: unknown) => {
    const value = text ?? item.text;
    const s = value === null || value === undefined ? '' : Array.isArray(value) ? value.join(' ') : String(value);
    const weight = item.fontWeight;
    const bold =
      weight === 'bold' || (typeof weight === 'number' && weight >= 600) || weight === '600' || weight === '700';
    // Vega's own width functions measure the text as truncated to the item's limit (a label's
    // labelLimit), and layout relies on it: a long axis label would otherwise push the plot off the chart.
    const width = estimateTextWidth(s, item.fontSize ?? 11, bold);
    return item.limit !== undefined && item.limit > 0 ? Math.min(width, item.limit) : width;
  };
}
