import { DuckDBQueryEngine } from '../../src/adapters/duckdb-engine/duckdb-engine.ts';
import type { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';
import { BuildFolderStore } from '../../src/adapters/folder-store/build-folder-store.ts';
import { buildSite, type BuildSiteOptions, type BuildSummary } from '../../src/core/report/build-site.ts';

/**
 * Build the report into a plain folder, as the report Lambda does in its /tmp before publishing,
 * from a folder lake whose rows DuckDB serves.
 */
export const buildInto = async (
  options: Omit<BuildSiteOptions, 'out' | 'engine' | 'store'> & { store: FolderObjectStore; outDir: string },
): Promise<BuildSummary> => {
  const { outDir, store, ...rest } = options;
  const engine = await DuckDBQueryEngine.create({ lakeRoot: store.root, store });
  try {
    return await buildSite({ ...rest, engine, store, out: new BuildFolderStore(outDir) });
  } finally {
    await engine.close();
  }
};
