import { buildSiteFolder } from '../../src/cli/site-folder-build.ts';
import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';
import { contenderArgs, timed } from './result.ts';

/** chainwatch's report step as the CLI runs it: lake tables → the whole static site. */
const { lake, out } = contenderArgs(['lake', 'out']);
await timed(async () => {
  const site = await buildSiteFolder({ store: new FolderObjectStore(lake), outDir: out, builtAt: new Date(0) });
  return { pages: site.pages, charts: site.charts };
});
