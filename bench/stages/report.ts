import { existsSync } from 'node:fs';
import { cp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureGenerated } from '../generate.ts';
import { measure } from '../harness/measure.ts';
import { runStage, type StageResult } from '../harness/stage.ts';
import { cliContender, nodeContender, type StageContext } from './context.ts';

export interface ReportSize {
  /** Product pages to build: the basket's HS6 codes, then synthetic ones. */
  products: number;
  /** Monthly rows of the report lake (US trade only); annual totals come on top. */
  rows: number;
  /** Years of trade data (10; fewer only for the smoke run). */
  years: number;
}

/** What `chainwatch report` says it built, from its summary line ("report   1,040 pages, 3,028 charts, …"). */
function builtSite(stdout: string): { pages: number; charts: number } {
  const summary = /^report\s+([\d,]+) pages, ([\d,]+) charts/m.exec(stdout);
  if (!summary) throw new Error(`chainwatch report printed no summary line:\n${stdout.slice(-500)}`);
  const count = (s: string) => Number(s.replace(/,/g, ''));
  return { pages: count(summary[1]), charts: count(summary[2]) };
}

/** The report's memory budget: bounded by a page, so the same at any size of the lake. */
const PEAK_RSS_MB = 300;

/**
 * Report: `chainwatch report` building the site with `products` product pages (three charts each)
 * from a lake of `rows` trade rows, against the bare cost of rendering the very same Vega-Lite specs
 * to SVG with vega in a loop. Both are whole processes, start-up included: the figure is what a user
 * waits for and what the machine holds.
 */
export async function reportStage(ctx: StageContext, size: ReportSize): Promise<StageResult & { sizeLabel: string }> {
  const data = await ensureGenerated({
    rows: size.rows,
    years: size.years,
    dir: join(ctx.work, `report-${size.products}-${size.rows}`),
    reporters: 1,
    products: size.products,
    log: ctx.log,
  });
  const out = join(ctx.work, 'out', `report-${size.products}-${size.rows}`);
  const site = join(out, 'site');
  const specs = join(out, 'specs');
  // Untimed preparation: the metric tables the pages show. The bare loop renders the specs of the
  // first build (chainwatch runs first), copied aside before its first run.
  await measure(nodeContender('chainwatch-metrics.ts', '--lake', data.lake));
  await rm(specs, { recursive: true, force: true });
  const copySpecs = async () => {
    if (!existsSync(specs))
      await cp(join(site, 'data'), specs, {
        recursive: true,
        filter: (src) => src.endsWith('.vl.json') || !/\.\w+$/.test(src),
      });
  };
  const result = await runStage({
    stage: 'report',
    size: size.rows,
    runs: ctx.runs,
    log: ctx.log,
    contenders: [
      {
        name: 'chainwatch',
        label: '`chainwatch report` (the CLI command: every page of a release, rows from DuckDB)',
        command: cliContender('report', '--lake', data.lake, '--out', site),
        resultOf: builtSite,
      },
      {
        name: 'vega',
        label: 'the same Vega-Lite specs → SVG with vega in a loop, at each chart size',
        command: nodeContender('vega-render.ts', '--specs', specs),
        before: copySpecs,
      },
    ],
    comparisons: [
      {
        id: 'report.vs_vega',
        label: 'report time / bare SVG rendering time (whole processes, start-up included)',
        unit: '×',
        value: (r) => r.chainwatch.wallSeconds / r.vega.wallSeconds,
        target: { op: '<=', value: 1.3 },
      },
      {
        id: 'report.peak_rss',
        label: 'report peak RSS (chainwatch)',
        unit: 'MB',
        value: (r) => r.chainwatch.peakRssMb,
        target: { op: '<=', value: PEAK_RSS_MB },
      },
    ],
  });
  const built = result.contenders.find((c) => c.name === 'chainwatch')?.runs.find((m) => !m.error)?.result;
  const drawn = built ? `: ${built.pages} pages, ${built.charts} charts` : '';
  return {
    ...result,
    sizeLabel: `${size.products.toLocaleString('en-US')} product pages${drawn}, from ${(data.rows + data.annualRows).toLocaleString('en-US')} US trade rows`,
  };
}
