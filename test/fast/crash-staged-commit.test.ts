/**
 * The write-new-then-switch mechanism on its own (src/core/lake/staged-commit.ts) and the folder store's
 * removal of dead writers' temp files: what a reader sees at each step, and what the next run does
 * with each kind of leftover.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError } from '../../src/core/errors.ts';
import { pendingCommits, recoverStaged, StagedCommit, type StagedPut } from '../../src/core/lake/staged-commit.ts';
import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';
import { textOf, type ObjectStore } from '../../src/core/seams/object-store.ts';
import { hookedStore } from '../crash/hooked-store.ts';

interface CommitPlan {
  puts: StagedPut[];
  deletes: string[];
}

/** Replace a set of objects as one switch: stage, commit marker, apply, clean (what an ingest does with its partitions). */
async function commitStaged(store: ObjectStore, staging: string, id: string, plan: CommitPlan): Promise<void> {
  if (plan.puts.length === 0 && plan.deletes.length === 0) return;
  const commit = new StagedCommit(store, staging, id);
  for (const put of plan.puts) await commit.stage(put);
  for (const key of plan.deletes) commit.remove(key);
  await commit.commit();
}

const STAGING = '_staging/ingest/test/';
const bytes = (s: string) => new TextEncoder().encode(s);
let dir: string;
let store: FolderObjectStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chainwatch-commit-'));
  store = new FolderObjectStore(dir);
  await store.put('curated/t/a.parquet', 'old a');
  await store.put('curated/t/gone.parquet', 'old gone');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const state = async () =>
  Object.fromEntries(
    await Promise.all((await store.list('curated/')).map(async (k) => [k, textOf((await store.get(k))!)])),
  );
const plan = {
  puts: [
    { key: 'curated/t/a.parquet', body: bytes('new a') },
    { key: 'curated/t/b.parquet', body: bytes('new b') },
  ],
  deletes: ['curated/t/gone.parquet'],
};
const NEW = { 'curated/t/a.parquet': 'new a', 'curated/t/b.parquet': 'new b' };
const OLD = { 'curated/t/a.parquet': 'old a', 'curated/t/gone.parquet': 'old gone' };

/** A store that fails on the first write matching `pattern`, like a crash at that point. */
const failingAt = (pattern: RegExp) =>
  hookedStore(store, {
    beforePut: (key) => {
      if (pattern.test(key)) throw new Error(`injected failure before ${key}`);
    },
    beforeDelete: (keys) => {
      if (keys.some((k) => pattern.test(k))) throw new Error(`injected failure before deleting ${keys[0]}`);
    },
  });

describe('staged commit', () => {
  it('switches the whole set and leaves nothing behind', async () => {
    await commitStaged(store, STAGING, 'r1', plan);
    expect(await state()).toEqual(NEW);
    expect(await store.list('_staging/')).toEqual([]);
  });

  it('before the marker: readers see the old set; the next run discards the staged copies', async () => {
    await expect(commitStaged(failingAt(/_COMMIT\.json$/), STAGING, 'r1', plan)).rejects.toThrow(/injected/);
    expect(await state()).toEqual(OLD);
    expect(await pendingCommits(store, STAGING)).toEqual([]);
    expect(await recoverStaged(store, STAGING)).toEqual([{ id: 'r1', action: 'discarded', objects: 2 }]);
    expect(await state()).toEqual(OLD);
    expect(await store.list('_staging/')).toEqual([]);
  });

  it('after the marker: each object is old or new; the next run finishes the set from the staged copies', async () => {
    await expect(commitStaged(failingAt(/^curated\/t\/b/), STAGING, 'r1', plan)).rejects.toThrow(/injected/);
    expect(await state()).toEqual({ 'curated/t/a.parquet': 'new a', 'curated/t/gone.parquet': 'old gone' });
    expect(await pendingCommits(store, STAGING)).toEqual(['r1']);
    expect(await recoverStaged(store, STAGING)).toEqual([{ id: 'r1', action: 'rolled-forward', objects: 3 }]);
    expect(await state()).toEqual(NEW);
    expect(await store.list('_staging/')).toEqual([]);
  });

  it('a recovery interrupted while cleaning up is finished by the next one', async () => {
    await expect(commitStaged(failingAt(/^curated\/t\/gone/), STAGING, 'r1', plan)).rejects.toThrow(/injected/);
    // Apply done but for the delete; then a recovery dies after removing one staged copy.
    await store.delete([`${STAGING}r1/objects/curated/t/a.parquet`]);
    expect(await recoverStaged(store, STAGING)).toEqual([{ id: 'r1', action: 'rolled-forward', objects: 3 }]);
    expect(await state()).toEqual(NEW);
  });

  it('refuses a staged copy that does not match its marker', async () => {
    await expect(commitStaged(failingAt(/^curated\//), STAGING, 'r1', plan)).rejects.toThrow(/injected/);
    await store.put(`${STAGING}r1/objects/curated/t/b.parquet`, 'tampered');
    await expect(recoverStaged(store, STAGING)).rejects.toThrow(StoreError);
    expect(await state()).toEqual(OLD);
  });
});

describe('folder store leftovers', () => {
  it('removes the temp files of writers that are gone, and only those', async () => {
    const folder = join(dir, 'curated', 't');
    // pid 2^22 + 1 is above Linux's pid_max default range: no such process.
    await writeFile(join(folder, 'a.parquet.tmp-4194305-dead'), 'half');
    await writeFile(join(folder, `b.parquet.tmp-${process.pid}-live`), 'being written');
    expect(await store.list('curated/')).toEqual(['curated/t/a.parquet', 'curated/t/gone.parquet']);
    expect(await store.removeLeftovers()).toEqual(['curated/t/a.parquet.tmp-4194305-dead']);
    expect((await readdir(folder)).sort()).toEqual(['a.parquet', `b.parquet.tmp-${process.pid}-live`, 'gone.parquet']);
  });
});
