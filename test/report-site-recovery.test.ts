import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recoverSiteFolder, writeSiteFolder } from '../reports/build-site.ts';

/** A pid no process has: far above Linux's pid_max. */
const DEAD_PID = 999_999_999;

describe('site folder crash recovery', () => {
  let parent: string;
  let site: string;
  beforeEach(async () => {
    parent = await mkdtemp(join(tmpdir(), 'chainwatch-site-recovery-'));
    site = join(parent, 'site');
  });
  afterEach(() => rm(parent, { recursive: true, force: true }));

  it('puts the retired site back when a build died between its two renames', async () => {
    await mkdir(join(parent, `.site.old-${DEAD_PID}-abcd1234`));
    await writeFile(join(parent, `.site.old-${DEAD_PID}-abcd1234`, 'index.html'), 'last good');
    await mkdir(join(parent, `.site.tmp-${DEAD_PID}-abcd1234`));
    await recoverSiteFolder(site);
    expect(await readFile(join(site, 'index.html'), 'utf8')).toBe('last good');
    expect(await readdir(parent)).toEqual(['site']);
  });

  it('removes leftovers of dead builds and keeps the live site and a running build’s folders', async () => {
    await mkdir(site);
    await writeFile(join(site, 'index.html'), 'live');
    await mkdir(join(parent, `.site.old-${DEAD_PID}-00ff00ff`));
    await mkdir(join(parent, `.site.tmp-${DEAD_PID}-00ff00ff`));
    await mkdir(join(parent, `.site.tmp-${process.pid}-11111111`));
    await recoverSiteFolder(site);
    expect((await readdir(parent)).sort()).toEqual([`.site.tmp-${process.pid}-11111111`, 'site']);
    expect(await readFile(join(site, 'index.html'), 'utf8')).toBe('live');
  });

  it('copies earlier releases into the new site and leaves them in place', async () => {
    await writeSiteFolder(site, [{ path: 'releases/2026-10/index.html', body: 'october' }, { path: 'index.html', body: 'october' }], '2026-10');
    await writeSiteFolder(site, [{ path: 'releases/2026-11/index.html', body: 'november' }, { path: 'index.html', body: 'november' }], '2026-11');
    expect(await readFile(join(site, 'releases', '2026-10', 'index.html'), 'utf8')).toBe('october');
    expect(await readFile(join(site, 'index.html'), 'utf8')).toBe('november');
    expect(await readdir(parent)).toEqual(['site']);
  });
});
