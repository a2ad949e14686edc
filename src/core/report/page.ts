import type { ChartDef } from './charts/chart.ts';
import type { SiteFile } from './figure.ts';
import type { SafeHtml } from './html.ts';

/** What a page body can ask for while it is written. */
export interface PageContext {
  /** The figure markup of one of the page's planned charts. */
  figure(chart: ChartDef): SafeHtml;
  /** A relative link from this page to a site path. */
  href(path: string): string;
  /** Short citation name of a source id. */
  cite(sourceId: string): string;
}

/**
 * A page, planned before it is written: its path, its charts (drawn together once the site-wide
 * colours are known) and every source id it shows, which the sources page lists back.
 */
export interface PagePlan {
  path: string;
  title: string;
  /** Which nav entry is current. */
  nav: string;
  charts: ChartDef[];
  /** Source ids cited outside charts (headline figures, tables). */
  sourceIds: string[];
  /** Downloads that belong to the page rather than to one chart. */
  files?: SiteFile[];
  /** Scripts at the site root the page loads (only the Data page has one, its SQL console). */
  scripts?: readonly string[];
  body(ctx: PageContext): SafeHtml;
}

export const pageSourceIds = (page: PagePlan): string[] =>
  [...new Set([...page.sourceIds, ...page.charts.flatMap((c) => c.sources.map((s) => s.sourceId))])].sort();
