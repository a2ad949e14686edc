import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { buildSiteInThread } from './report-thread.ts';
import { count, noop, requireFolderLake, seconds, type PipelineOptions } from './step-options.ts';

/**
 * How far V8 lets a heap grow past what the last collection kept, in percent. Left to itself, V8 lets a
 * fast allocator grow it to 4× the live objects, and rendering charts allocates fast: the build keeps ~60 MB
 * live (a page, the pages' index lines) but held ~220 MB of heap, 40 % of its peak RSS at 1M trade rows
 * (bench/analysis.md). At 1.5× the heap stays near 100 MB; a page larger than that still grows it. The flag
 * is the process's: it holds the chart renderer's thread too (without it, a 1M build took ~10 % less time
 * and ~140 MB more memory).
 */
const REPORT_HEAP_GROWING_PERCENT = 50;

/** The report: every page's rows asked of DuckDB over the folder lake, the site switched when the build is whole (in the report's thread). */
export async function reportStep(o: PipelineOptions): Promise<void> {
  setFlagsFromString(`--heap-growing-percent=${REPORT_HEAP_GROWING_PERCENT}`);
  requireFolderLake(o.lake, 'report');
  const log = o.log ?? noop;
  const start = performance.now();
  const site = await buildSiteInThread({ lake: o.lake, outDir: o.outDir, baseUrl: o.baseUrl }, (line) =>
    log(`  ${line}`),
  );
  log(
    `report   ${site.pages} pages, ${site.charts} charts, ${count(Math.round(site.bytes / 1024))} KiB → ${join(o.outDir, 'index.html')} (${seconds(start)})`,
  );
}
