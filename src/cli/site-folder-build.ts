import { DuckDBQueryEngine } from '../adapters/duckdb-engine/duckdb-engine.ts';
import { FolderObjectStore } from '../adapters/folder-store/folder-store.ts';
import { BuildFolderStore } from '../adapters/folder-store/build-folder-store.ts';
import { startSiteFolderBuild } from '../adapters/link-site-pointer/site-folder.ts';
import { buildSite, type BuildSiteOptions, type BuildSummary } from '../core/report/build-site.ts';
import type { QueryEngine } from '../core/seams/query-engine.ts';
import { ENV, optionalEnv, REPORT_MEMORY_DEFAULT } from '../core/env.ts';

/**
 * DuckDB in a report build: its memory capped (each page-family query's result is stored, sorted, in a
 * Parquet spool file in the session's own folder, and its sort spills past the limit there), one thread
 * (each thread holds scan and write buffers of its own; the build's time is the charts', in JavaScript),
 * so the build's memory does not grow with the lake (bench/analysis.md measures the limit); a lake whose
 * queries need more fails with DuckDB's out-of-memory error and the variable to raise.
 */
const reportDuckDb = () => ({ memoryLimit: optionalEnv(ENV.reportMemory) ?? REPORT_MEMORY_DEFAULT, threads: 1 });

/**
 * The local publish: build the report from a folder lake, its rows asked of DuckDB over that folder
 * (or of `engine` when given), into a new folder beside the site, with the site as it is now as the
 * archive of earlier releases, then switch the site link to it. A failed build leaves the site as it was.
 */
export async function buildSiteFolder(
  options: Omit<BuildSiteOptions, 'out' | 'archive' | 'engine' | 'tablesSession' | 'store'> & {
    store: FolderObjectStore;
    outDir: string;
    engine?: QueryEngine;
  },
): Promise<BuildSummary> {
  const { outDir, store, ...rest } = options;
  const session = () => DuckDBQueryEngine.create({ lakeRoot: store.root, store, ...reportDuckDb() });
  const engine = options.engine ?? (await session());
  try {
    const build = await startSiteFolderBuild(outDir);
    try {
      const summary = await buildSite({
        ...rest,
        engine,
        // The Data page's table files are written while the pages render, by a session of their own: a
        // table's COPY and the pages' queries side by side do not fit in one session's limit.
        tablesSession: options.engine ? undefined : session,
        store,
        out: new BuildFolderStore(build.dir),
        archive: new FolderObjectStore(outDir),
      });
      await build.switch(summary.release);
      return summary;
    } catch (error) {
      await build.discard();
      throw error;
    }
  } finally {
    if (!options.engine) await engine.close();
  }
}
