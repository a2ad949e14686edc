import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { CHART_SIZES } from '../../src/core/report/charts/theme.ts';
import { contenderArgs } from './result.ts';

/**
 * The bare cost of the report's charts: the very Vega-Lite specs the site build wrote (`*.vl.json`,
 * the wide variant of each chart), compiled and rendered to SVG by vega in a loop — no lake, no pages,
 * no files written. The site draws every chart once per size of CHART_SIZES (wide and narrow, for
 * phones) but ships only the wide spec, so the loop draws each spec at every size's width too.
 */
const { specs } = contenderArgs(['specs']);
const files = (await readdir(specs)).filter((f) => f.endsWith('.vl.json')).sort();
const loaded = await Promise.all(
  files.map(async (f) => JSON.parse(await readFile(join(specs, f), 'utf8')) as TopLevelSpec & { width?: number }),
);
const variants = loaded.flatMap((spec) =>
  CHART_SIZES.map((size) => (spec.width === undefined ? spec : { ...spec, width: size.width })),
);

const start = performance.now();
let bytes = 0;
for (const spec of variants) {
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none', logLevel: vega.Error });
  bytes += (await view.toSVG()).length;
  view.finalize();
}
console.log(
  JSON.stringify({
    seconds: (performance.now() - start) / 1000,
    charts: loaded.length,
    svgs: variants.length,
    svgBytes: bytes,
  }),
);
