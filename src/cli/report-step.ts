import { join } from 'node:path';
import { FolderObjectStore } from '../adapters/folder-store/folder-store.ts';
import { buildSiteFolder } from './site-folder-build.ts';
import { count, noop, requireFolderLake, seconds, type PipelineOptions } from './step-options.ts';

/** The report: every page's rows asked of DuckDB over the folder lake, the site switched when the build is whole. */
export async function reportStep(o: PipelineOptions): Promise<void> {
  requireFolderLake(o.lake, 'report');
  const store = new FolderObjectStore(o.lake);
  const log = o.log ?? noop;
  const start = performance.now();
  const site = await buildSiteFolder({ store, outDir: o.outDir, onProgress: (line) => log(`  ${line}`) });
  log(
    `report   ${site.pages} pages, ${site.charts} charts, ${count(Math.round(site.bytes / 1024))} KiB → ${join(o.outDir, 'index.html')} (${seconds(start)})`,
  );
}
