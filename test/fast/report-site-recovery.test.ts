import { cp, lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recoverSiteFolder } from '../../src/adapters/link-site-pointer/site-folder.ts';
import { UsageError } from '../../src/core/errors.ts';
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

  it('refuses a folder it did not make, a file and a link elsewhere, and leaves each exactly as it was', async () => {
    await mkdir(site);
    await writeFile(join(site, 'taxes.pdf'), 'mine');
    await expect(writeSiteFiles(site, [{ path: 'index.html', body: 'x' }], '2026-10')).rejects.toThrow(
      /is a folder chainwatch did not make \(it holds "taxes\.pdf" and no \.chainwatch-site\)/,
    );
    expect(await readdir(site)).toEqual(['taxes.pdf']);
    await rm(site, { recursive: true });
    await writeFile(site, 'a file');
    await expect(writeSiteFiles(site, [], '2026-10')).rejects.toThrow(UsageError);
    await rm(site);
    await mkdir(join(parent, 'photos'));
    await symlink('photos', site);
    await expect(writeSiteFiles(site, [], '2026-10')).rejects.toThrow(/a link to "photos", not to a site build/);
    expect(await readlink(site)).toBe('photos');
    expect((await readdir(parent)).sort()).toEqual(['photos', 'site']);
  });

  it('takes over an empty folder, and a folder carrying the site marker (a copied build)', async () => {
    await mkdir(site);
    await writeSiteFiles(site, [{ path: 'index.html', body: 'linked' }], '2026-10');
    expect(await readFile(join(site, 'index.html'), 'utf8')).toBe('linked');
    const copy = join(parent, 'copy');
    await cp(site, copy, { recursive: true, dereference: true });
    await writeSiteFiles(copy, [{ path: 'index.html', body: 'again' }], '2026-10');
    expect((await lstat(copy)).isSymbolicLink()).toBe(true);
    expect(await readFile(join(copy, 'index.html'), 'utf8')).toBe('again');
  });

  it('recognises a site an earlier chainwatch linked before builds were marked, and marks its build', async () => {
    const old = `.site.build-${DEAD_PID}-0000beef`;
    await mkdir(join(parent, old));
    await writeFile(join(parent, old, 'index.html'), 'earlier');
    await symlink(old, site);
    await writeSiteFiles(site, [{ path: 'index.html', body: 'now' }], '2026-10');
    expect(await readFile(join(site, 'index.html'), 'utf8')).toBe('now');
    expect(await readdir(join(parent, old))).toEqual(['.chainwatch-site', 'index.html']);
    // The next build removes it as the build before last.
    await writeSiteFiles(site, [{ path: 'index.html', body: 'later' }], '2026-10');
    expect(await readdir(parent)).not.toContain(old);
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
    await writeFile(join(parent, `.site.build-${DEAD_PID}-00ff00ff`, '.chainwatch-site'), '');
    await writeFile(join(parent, `.site.build-${DEAD_PID}-00ff00ff`, 'index.html'), 'dead build');
    await symlink(`.site.build-${DEAD_PID}-00ff00ff`, join(parent, `.site.link-${DEAD_PID}-00ff00ff`));
    // Another live process (the test runner's parent) is writing this one.
    await mkdir(join(parent, `.site.build-${process.ppid}-11111111`));
    // Named like a leftover but not chainwatch's: no marker, not empty. It stays.
    await mkdir(join(parent, `.site.build-${DEAD_PID}-0bad0bad`));
    await writeFile(join(parent, `.site.build-${DEAD_PID}-0bad0bad`, 'notes.txt'), 'mine');
    await recoverSiteFolder(site);
    expect((await readdir(parent)).sort()).toEqual(
      [
        `.site.build-${DEAD_PID}-0000000a`,
        `.site.build-${DEAD_PID}-0bad0bad`,
        `.site.build-${process.ppid}-11111111`,
        'site',
      ].sort(),
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
