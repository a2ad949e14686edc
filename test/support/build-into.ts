import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';
import { buildSite, type BuildSiteOptions, type BuildSummary } from '../../src/core/report/build-site.ts';

/** Build the report into a plain folder, as the report Lambda does in its /tmp before publishing. */
export const buildInto = (options: Omit<BuildSiteOptions, 'out'> & { outDir: string }): Promise<BuildSummary> => {
  const { outDir, ...rest } = options;
  return buildSite({ ...rest, out: new FolderObjectStore(outDir) });
};
