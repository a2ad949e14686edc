/**
 * The build folder store: a site build's folder, written straight to each key's name and each folder made
 * once. What must still hold: a key written again is replaced without touching the copies linked to it, a
 * folder removed under it is made again, and a copy of a missing object fails with the folder store's reason.
 */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BuildFolderStore } from '../../src/adapters/folder-store/build-folder-store.ts';
import { StoreError } from '../../src/core/errors.ts';
import { textOf } from '../../src/core/seams/object-store.ts';

describe('BuildFolderStore', () => {
  let root: string;
  let store: BuildFolderStore;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'chainwatch-build-folder-'));
    store = new BuildFolderStore(root);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  const text = async (key: string) => textOf((await store.get(key))!);
  const allFiles = async () => (await readdir(root, { recursive: true })).sort();

  it('writes new keys and links their copies, in folders it makes', async () => {
    await store.put('releases/2026-03/products/280530.html', 'page');
    await store.copy('releases/2026-03/products/280530.html', 'latest/products/280530.html');
    await store.copy('releases/2026-03/products/280530.html', 'products/280530.html');
    expect(await text('latest/products/280530.html')).toBe('page');
    expect(await text('products/280530.html')).toBe('page');
    const inode = async (key: string) => (await stat(join(root, key))).ino;
    expect(await inode('products/280530.html')).toBe(await inode('releases/2026-03/products/280530.html'));
    expect(await store.list('')).toEqual([
      'latest/products/280530.html',
      'products/280530.html',
      'releases/2026-03/products/280530.html',
    ]);
  });

  it('replaces a key written again, and the copies linked to its first bytes keep them', async () => {
    await store.put('a/page.html', 'first');
    await store.copy('a/page.html', 'b/page.html');
    await store.put('a/page.html', 'second');
    expect(await text('a/page.html')).toBe('second');
    expect(await text('b/page.html')).toBe('first');
    await store.copy('a/page.html', 'b/page.html');
    expect(await text('b/page.html')).toBe('second');
    expect(await allFiles()).toEqual(['a', 'a/page.html', 'b', 'b/page.html']);
  });

  it('makes a folder again when something removed it after it was made', async () => {
    await store.put('data/one.csv', '1');
    await store.delete(['data/one.csv']);
    expect(await allFiles()).toEqual([]);
    await store.put('data/two.csv', '2');
    await store.copy('data/two.csv', 'data/copy/two.csv');
    await rm(join(root, 'data', 'copy'), { recursive: true });
    await store.copy('data/two.csv', 'data/copy/two.csv');
    expect(await text('data/copy/two.csv')).toBe('2');
  });

  it('fails a copy of a missing object with the folder store’s reason, and writes nothing', async () => {
    const failure = await store.copy('missing.html', 'latest/missing.html').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(StoreError);
    expect((failure as StoreError).message).toMatch(/missing\.html: it does not exist/);
    expect(await store.list('')).toEqual([]);
  });
});
