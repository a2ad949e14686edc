/**
 * The report's fixture lake (test/fixtures/report/fixture-lake.ts) with its run history, and the site
 * built from it: the site several report tests read. Built once and shared read-only
 * (test/support/shared-fixture.ts): a test that changes the lake or the site works on a copy.
 */
import { join } from 'node:path';
import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';
import { buildSiteFolder } from '../../src/cli/site-folder-build.ts';
import { writeFixtureLake, writeRunHistory } from '../fixtures/report/fixture-lake.ts';
import { sharedFixture } from './shared-fixture.ts';

export const FIXTURE_SITE_BUILT_AT = new Date('2026-02-01T06:00:00Z');
/** The release the site holds: the month it was built in. */
export const FIXTURE_SITE_MONTH = '2026-02';

export interface FixtureSite {
  /** The folder holding `lake` and `site`, as `copyOfFixture` takes it. Read-only. */
  dir: string;
  /** The folder lake. Read-only. */
  lake: string;
  /** The site link (`site` → its build folder), as `npm start` leaves it. Read-only. */
  site: string;
}

export async function fixtureSite(): Promise<FixtureSite> {
  const dir = await sharedFixture('fixture-site', async (out) => {
    const store = new FolderObjectStore(join(out, 'lake'));
    await writeFixtureLake(store);
    await writeRunHistory(store);
    await buildSiteFolder({ store, outDir: join(out, 'site'), builtAt: FIXTURE_SITE_BUILT_AT });
  });
  return { dir, lake: join(dir, 'lake'), site: join(dir, 'site') };
}
