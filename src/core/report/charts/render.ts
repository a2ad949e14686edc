import { columnLabel } from '../columns.ts';
import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { escapeHtml } from '../html.ts';
import { ChainwatchError } from '../../errors.ts';
import { ChartError } from './chart.ts';
import { useTextWidthTable } from './text-metrics.ts';

/**
 * Charts carry their data inline; a spec that asks to load anything (a URL, a file) is refused, so
 * a build never makes a network request or reads outside the lake.
 */
function refusingLoader(): vega.Loader {
  const loader = vega.loader();
  const refuse = async (uri: string): Promise<never> => {
    throw new ChartError(
      `Chart tried to load "${uri}"`,
      'Charts must carry their data inline (data.values); remove the URL from the spec.',
    );
  };
  loader.load = refuse;
  loader.sanitize = refuse;
  loader.http = refuse;
  loader.file = refuse;
  return loader;
}

/**
 * Compile a Vega-Lite spec and render it to static SVG, server-side, no canvas. The result is
 * byte-stable: SVG def ids restart for every chart and are then prefixed with the chart id (so
 * several charts can be inlined in one page), and the root gets the description as its aria-label
 * and loses its fixed size (the viewBox stays, CSS makes it 100% wide).
 */
export async function renderChartSvg(id: string, spec: TopLevelSpec): Promise<string> {
  let view: vega.View | undefined;
  try {
    const compiled = vl.compile(spec).spec;
    // Several legends (colour, then source) stack one under the other at the left, instead of side by
    // side past the chart's edge. A Vega setting Vega-Lite does not pass through.
    compiled.config = {
      ...compiled.config,
      legend: { ...compiled.config?.legend, layout: { bottom: { anchor: 'start', direction: 'vertical' } } },
    };
    useTextWidthTable();
    vega.resetSVGDefIds();
    // Vega only warns about a failed data load and draws on without the data; a chart must fail instead.
    const errors: string[] = [];
    const logger = vega.logger(vega.Error);
    const record = (...args: readonly unknown[]) =>
      errors.push(args.map((a) => (a instanceof Error ? a.message : String(a))).join(' '));
    logger.error = (...args: readonly unknown[]) => {
      record(...args);
      return logger;
    };
    logger.warn = (...args: readonly unknown[]) => {
      if (/^(Loading|Data ingestion) failed/.test(String(args[0]))) record(...args);
      return logger;
    };
    view = new vega.View(vega.parse(compiled), { renderer: 'none', loader: refusingLoader(), logger });
    const svg = await view.toSVG();
    if (errors.length > 0)
      throw new ChartError(
        `Chart ${id} could not be rendered: ${errors.join('; ')}`,
        'Charts must carry their data inline (data.values); remove any URL from the spec.',
      );
    return finishSvg(svg, id, spec.description ?? '');
  } catch (cause) {
    if (cause instanceof ChainwatchError) throw cause;
    throw new ChartError(
      `Chart ${id} could not be rendered: ${(cause as Error).message}`,
      'This is a bug in the chart module; report it with the chart id.',
      { cause },
    );
  } finally {
    view?.finalize();
  }
}

/**
 * Vega describes each mark to screen readers as "field: value; …" in the data's column names; read
 * them as words instead, dollars in words, and drop the internal ordering column and the source id (the
 * caption names the sources).
 */
const spokenMarks = (svg: string): string =>
  svg.replace(/aria-label="([^"]*)"/g, (_, label: string) => {
    const parts = label
      .split('; ')
      .filter((p) => !p.startsWith('series_rank: ') && !/^(source_id|Source): [A-Z0-9]+(_[A-Z0-9]+)+$/.test(p))
      .map((p) => p.replace(/^([a-z0-9_]+): /, (_m, column: string) => `${columnLabel(column)}: `))
      .map((p) => p.replace(/\$(-?[\d.]+)([kMGT])\b/, (_m, n: string, unit: string) => `$${n} ${USD_UNIT[unit]}`));
    return `aria-label="${parts.join('; ')}"`;
  });
const USD_UNIT: Record<string, string> = { k: 'thousand', M: 'million', G: 'billion', T: 'trillion' };

/**
 * Hover text without a script: each data mark (a bar, a point, a band) gets its description as an SVG
 * <title>, which browsers show as a tooltip. Vega's SVG writer draws no tooltip itself. Lines and areas
 * are left out: their description is one point's, not the whole line's (the line's points carry theirs).
 */
const markTooltips = (svg: string): string =>
  svg.replace(
    /<(path|rect|circle|line)( aria-label="([^"]*)" role="graphics-symbol" aria-roledescription="([^"]*)"[^>]*?)\/>/g,
    (whole, tag: string, attrs: string, label: string, role: string) =>
      role === 'line mark' || role === 'area mark' ? whole : `<${tag}${attrs}><title>${label}</title></${tag}>`,
  );

function finishSvg(svg: string, id: string, description: string): string {
  const prefixed = markTooltips(spokenMarks(svg))
    .replace(/\bid="([^"]+)"/g, (_, def: string) => `id="${id}-${def}"`)
    .replace(/url\(#([^)]+)\)/g, (_, def: string) => `url(#${id}-${def})`);
  return prefixed.replace(/^<svg([^>]*)>/, (_, attrs: string) => {
    const kept = attrs.replace(/\s(width|height)="[^"]*"/g, '');
    return `<svg${kept} role="graphics-document document" aria-roledescription="visualization" aria-label="${escapeHtml(description)}" focusable="false">`;
  });
}
