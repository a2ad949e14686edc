import { existsSync } from 'node:fs';
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
  const data = await ensureGenerated({
    rows: size.rows,
    dir: join(ctx.work, `report-${size.products}`),
    reporters: 1,
    products: size.products,
    log: ctx.log,
  });
  const out = join(ctx.work, 'out', `report-${size.products}`);
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
    size: size.products,
    runs: ctx.runs,
    log: ctx.log,
    contenders: [
      {
        name: 'chainwatch',
        label: 'chainwatch report step (buildSite: every page of a release)',
        command: nodeContender('chainwatch-report.ts', '--lake', data.lake, '--out', site),
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
        label: 'report build time / bare SVG rendering time',
        unit: '×',
        value: (r) => r.chainwatch.seconds / r.vega.seconds,
        target: { op: '<=', value: 1.3 },
      },
    ],
  });
  const built = result.contenders.find((c) => c.name === 'chainwatch')?.runs.find((m) => !m.error)?.result;
  const drawn = built ? `: ${built.pages} pages, ${built.charts} charts` : '';
  return {
    ...result,
    sizeLabel: `${size.products.toLocaleString('en-US')} product pages${drawn} (lake: ${(data.rows + data.annualRows).toLocaleString('en-US')} US trade rows)`,
  };
}
