import { join } from 'node:path';
import { StoreSitePointer } from '../../src/core/seams/site-pointer.ts';
import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';

/**
 * A site bucket in a folder, as the site-switch kill test and the child it kills both see it: the
 * builds under `site/`, the pointer object beside it under `pointer/` (outside the site store, whose
 * clean-up owns every key in it).
 */
export const siteBucket = (dir: string) => ({
  store: new FolderObjectStore(join(dir, 'site')),
  pointer: new StoreSitePointer(new FolderObjectStore(join(dir, 'pointer')), 'current.json'),
});
