import type { TopLevelSpec } from 'vega-lite';
import { ChainwatchError } from '../../errors.ts';
import type { Cell } from '../csv.ts';
import type { CountryColours } from './palette.ts';
import type { ChartSize } from './theme.ts';

/** A chart failed to compile or render: a bug in a chart module or rows it cannot draw. */
export class ChartError extends ChainwatchError {}

export type ChartRow = Record<string, Cell>;

/** Where a chart's numbers come from: a citation id and the years of its rows. */
export interface ChartSource {
  sourceId: string;
  years: number[];
}

/**
 * One chart, planned before it is drawn: the exact rows it draws (also written as its CSV), the
 * words around it, and a function from the site-wide country colours to its Vega-Lite spec.
 * Charts are planned first so the country colours can be chosen knowing every chart.
 */
export interface ChartDef {
  /** Unique in the site and safe as a file name: `product-280530-partners`. */
  id: string;
  title: string;
  /** What the chart shows, for screen readers (the SVG aria-label). */
  description: string;
  /** The one sentence a reader should take away, computed from the rows. */
  takeaway: string;
  sources: ChartSource[];
  /** Metric tables (data-schemas/metrics.ts) the rows come from: the figure links the SQL file that produced each. */
  tables: string[];
  columns: string[];
  rows: ChartRow[];
  /** Countries coloured by the site-wide country colour map, in legend order. */
  countries: string[];
  spec(colours: CountryColours, size: ChartSize): TopLevelSpec;
}
