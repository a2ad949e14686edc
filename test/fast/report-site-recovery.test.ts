import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recoverSiteFolder } from '../../src/adapters/link-site-pointer/site-folder.ts';
import { writeSiteFiles } from '../support/write-site-files.ts';

/** A pid no process has: far above Linux's pid_max. */
const DEAD_PID = 999_999_999;

describe('site folder: linked builds and crash recovery', () => {
  let parent: string;
  let site: string;
  beforeEach(async () => {
    parent = await mkdtemp(join(tmpdir(), 'chainwatch-site-recovery-'));
    site = join(parent, 'site');
  });
  afterEach(() => rm(parent, { recursive: true, force: true }));

  it('links the site to its build folder; the next build switches the link and removes the build before last', async () => {
    await writeSiteFiles(site, [{ path: 'index.html', body: 'one' }], '2026-10');
    expect((await lstat(site)).isSymbolicLink()).toBe(true);
    const first = await readlink(site);
    await writeSiteFiles(site, [{ path: 'index.html', body: 'two' }], '2026-10');
    const second = await readlink(site);
    expect(second).not.toBe(first);
    expect(await readFile(join(site, 'index.html'), 'utf8')).toBe('two');
    // The previous build stays until the next build starts, for a reader still inside it.
    expect((await readdir(parent)).sort()).toEqual([first, second, 'site'].sort());
    await writeSiteFiles(site, [{ path: 'index.html', body: 'three' }], '2026-10');
    expect((await readdir(parent)).sort()).toEqual([second, await readlink(site), 'site'].sort());
  });

  it('takes over a plain site folder (as written before builds were linked)', async () => {
    await mkdir(site);
    await writeFile(join(site, 'index.html'), 'plain');
    await writeSiteFiles(site, [{ path: 'index.html', body: 'linked' }], '2026-10');
    expect(await readFile(join(site, 'index.html'), 'utf8')).toBe('linked');
    expect((await readdir(parent)).sort()).toEqual([await readlink(site), 'site'].sort());
  });

  it('puts a plain site folder back when a build died between moving it aside and linking the new one', async () => {
    await mkdir(join(parent, `.site.old-${DEAD_PID}-abcd1234`));
    await writeFile(join(parent, `.site.old-${DEAD_PID}-abcd1234`, 'index.html'), 'last good');
    await mkdir(join(parent, `.site.build-${DEAD_PID}-abcd1234`));
    await symlink(`.site.build-${DEAD_PID}-abcd1234`, join(parent, `.site.link-${DEAD_PID}-abcd1234`));
    await recoverSiteFolder(site);
    expect(await readFile(join(site, 'index.html'), 'utf8')).toBe('last good');
    expect(await readdir(parent)).toEqual(['site']);
  });

  it('removes leftovers of dead builds and keeps the linked build and a running build’s folder', async () => {
    await mkdir(join(parent, `.site.build-${DEAD_PID}-0000000a`));
    await writeFile(join(parent, `.site.build-${DEAD_PID}-0000000a`, 'index.html'), 'live');
    await symlink(`.site.build-${DEAD_PID}-0000000a`, site);
    await mkdir(join(parent, `.site.build-${DEAD_PID}-00ff00ff`));
    await symlink(`.site.build-${DEAD_PID}-00ff00ff`, join(parent, `.site.link-${DEAD_PID}-00ff00ff`));
    // Another live process (the test runner's parent) is writing this one.
    await mkdir(join(parent, `.site.build-${process.ppid}-11111111`));
    await recoverSiteFolder(site);
    expect((await readdir(parent)).sort()).toEqual(
      [`.site.build-${DEAD_PID}-0000000a`, `.site.build-${process.ppid}-11111111`, 'site'].sort(),
    );
    expect(await readFile(join(site, 'index.html'), 'utf8')).toBe('live');
  });

  it('copies earlier releases into the new build and leaves them in place', async () => {
    await writeSiteFiles(
      site,
      [
        { path: 'releases/2026-10/index.html', body: 'october' },
        { path: 'index.html', body: 'october' },
      ],
      '2026-10',
    );
    await writeSiteFiles(
      site,
      [
        { path: 'releases/2026-11/index.html', body: 'november' },
        { path: 'index.html', body: 'november' },
      ],
      '2026-11',
    );
    expect(await readFile(join(site, 'releases', '2026-10', 'index.html'), 'utf8')).toBe('october');
    expect(await readFile(join(site, 'index.html'), 'utf8')).toBe('november');
  });
});
