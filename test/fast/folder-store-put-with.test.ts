/**
 * The folder store's putWith: a local writer (DuckDB's COPY in the engine) fills the temp file
 * itself, and the store switches it in with one rename, as `put` does with bytes.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { QueryError, StoreError } from '../../src/core/errors.ts';
import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';
import { textOf } from '../../src/core/seams/object-store.ts';

const KEY = 'metrics/concentration/part-00000.parquet';

describe('FolderObjectStore.putWith', () => {
  let root: string;
  let store: FolderObjectStore;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'chainwatch-put-with-'));
    store = new FolderObjectStore(root);
    await store.put(KEY, 'previous');
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  const folderFiles = () => readdir(join(root, 'metrics/concentration'));

  it('publishes what the writer wrote at the key; while it writes, readers see the previous object only', async () => {
    await store.putWith(KEY, async (path) => {
      await writeFile(path, 'new');
      expect(await store.list('metrics/')).toEqual([KEY]);
      expect(textOf((await store.get(KEY))!)).toBe('previous');
    });
    expect(textOf((await store.get(KEY))!)).toBe('new');
    expect(await folderFiles()).toEqual(['part-00000.parquet']);
  });

  it('a folder another writer removed while empty (between our mkdir and our write) is made again', async () => {
    // The lease's folder: released and cleaned up by one run just as the next run creates its lock there.
    const lock = '_lease/writer.json';
    let removed = 0;
    await store.putWith(lock, async (path) => {
      if (removed++ === 0) await rm(join(root, '_lease'), { recursive: true });
      await writeFile(path, 'mine');
    });
    expect(removed).toBe(2);
    expect(textOf((await store.get(lock))!)).toBe('mine');
  });

  it('a writer that fails leaves the previous object and no temp file; its own typed error passes through', async () => {
    const failing = (error: Error) =>
      store
        .putWith(KEY, async (path) => {
          await writeFile(path, 'half');
          throw error;
        })
        .catch((e: unknown) => e);

    const typed = new QueryError('COPY failed', 'Fix the SQL.');
    expect(await failing(typed)).toBe(typed);
    const plain = await failing(new Error('disk full'));
    expect(plain).toBeInstanceOf(StoreError);
    expect((plain as StoreError).message).toMatch(
      /Could not write .*metrics\/concentration\/part-00000\.parquet: disk full/,
    );

    expect(textOf((await store.get(KEY))!)).toBe('previous');
    expect(await folderFiles()).toEqual(['part-00000.parquet']);
  });
});
