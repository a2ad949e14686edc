import { cp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureGenerated } from '../generate.ts';
import { measure } from '../harness/measure.ts';
import { runStage, type StageResult } from '../harness/stage.ts';
import { nodeContender, type StageContext } from './context.ts';

export interface ReportSize {
  /** Product pages to build: the basket's HS6 codes, then synthetic ones. */
  products: number;
  /** Monthly rows of the report lake (US trade only); annual totals come on top. */
  rows: number;
}

/**
 * Report: building the site with `products` product pages (three charts each) against the bare
 * cost of rendering the very same Vega-Lite specs to SVG with vega in a loop.
 */
export async function reportStage(ctx: StageContext, size: ReportSize): Promise<StageResult & { sizeLabel: string }> {
  const data = await ensureGenerated({ rows: size.rows, dir: join(ctx.work, `report-${size.products}`), reporters: 1, products: size.products, log: ctx.log });
  const out = join(ctx.work, 'out', `report-${size.products}`);
  const site = join(out, 'site');
  const specs = join(out, 'specs');
  // Untimed preparation: the metric tables the pages show, and one build whose specs the bare loop renders.
  await measure(nodeContender('chainwatch-metrics.ts', '--lake', data.lake));
  const first = await measure(nodeContender('chainwatch-report.ts', '--lake', data.lake, '--out', site));
  await rm(specs, { recursive: true, force: true });
  await cp(join(site, 'data'), specs, { recursive: true, filter: (src) => !src.endsWith('.csv') });
  const result = await runStage({
    stage: 'report',
    size: size.products,
    runs: ctx.runs,
    log: ctx.log,
    contenders: [
      { name: 'chainwatch', label: `chainwatch report step (buildSite: ${first.result.pages} pages, ${first.result.charts} charts)`, command: nodeContender('chainwatch-report.ts', '--lake', data.lake, '--out', site) },
      { name: 'vega', label: `the same ${first.result.charts} Vega-Lite specs → SVG with vega in a loop`, command: nodeContender('vega-render.ts', '--specs', specs) },
    ],
    comparisons: [
      { id: 'report.vs_vega', label: 'report build time / bare SVG rendering time', unit: '×', value: (r) => r.chainwatch.seconds / r.vega.seconds, target: { op: '<=', value: 1.3 } },
    ],
  });
  return { ...result, sizeLabel: `${size.products.toLocaleString('en-US')} product pages (lake: ${(data.rows + data.annualRows).toLocaleString('en-US')} US trade rows)` };
}
