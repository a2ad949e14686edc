import { FolderObjectStore } from '../adapters/folder-store/folder-store.ts';
import { startSiteFolderBuild } from '../adapters/link-site-pointer/site-folder.ts';
import { buildSite, type BuildSiteOptions, type BuildSummary } from '../core/report/build-site.ts';

/**
 * The local publish: build the report into a new folder beside the site, with the site as it is now
 * as the archive of earlier releases, then switch the site link to it. A failed build leaves the
 * site as it was.
 */
export async function buildSiteFolder(
  options: Omit<BuildSiteOptions, 'out' | 'archive'> & { outDir: string },
): Promise<BuildSummary> {
  const { outDir, ...rest } = options;
  const build = await startSiteFolderBuild(outDir);
  try {
    const summary = await buildSite({
      ...rest,
      out: new FolderObjectStore(build.dir),
      archive: new FolderObjectStore(outDir),
    });
    await build.switch(summary.release);
    return summary;
  } catch (error) {
    await build.discard();
    throw error;
  }
}
