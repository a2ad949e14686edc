/**
 * The write-new-then-switch mechanism on its own (src/core/lake/staged-commit.ts) and the folder store's
 * removal of dead writers' temp files: what a reader sees at each step, and what the next run does
 * with each kind of leftover.
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError } from '../../src/core/errors.ts';
import { LAKE_FOLDERS } from '../../src/core/lake/layout.ts';
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
    expect(await recoverStaged(store, STAGING)).toEqual([
      { id: 'r1', action: 'discarded', objects: 2, reason: expect.stringMatching(/before its commit marker/) },
    ]);
    expect(await state()).toEqual(OLD);
    expect(await store.list('_staging/')).toEqual([]);
  });

  it('after the marker: each object is old or new; the next run finishes the set from the staged copies', async () => {
    await expect(commitStaged(failingAt(/^curated\/t\/b/), STAGING, 'r1', plan)).rejects.toThrow(/injected/);
    expect(await state()).toEqual({ 'curated/t/a.parquet': 'new a', 'curated/t/gone.parquet': 'old gone' });
    expect(await pendingCommits(store, STAGING)).toEqual(['r1']);
    expect(await recoverStaged(store, STAGING)).toEqual([
      {
        id: 'r1',
        action: 'rolled-forward',
        objects: 3,
        reason: 'run r1 had committed its files: every one is in place',
      },
    ]);
    expect(await state()).toEqual(NEW);
    expect(await store.list('_staging/')).toEqual([]);
  });

  it('a recovery interrupted while cleaning up is finished by the next one', async () => {
    await expect(commitStaged(failingAt(/^curated\/t\/gone/), STAGING, 'r1', plan)).rejects.toThrow(/injected/);
    // Apply done but for the delete; then a recovery dies after removing one staged copy.
    await store.delete([`${STAGING}r1/objects/curated/t/a.parquet`]);
    expect(await recoverStaged(store, STAGING)).toMatchObject([{ id: 'r1', action: 'rolled-forward', objects: 3 }]);
    expect(await state()).toEqual(NEW);
  });

  it('never puts a staged copy that does not match its marker in place: with nothing switched yet, the commit is rolled back', async () => {
    await expect(commitStaged(failingAt(/^curated\//), STAGING, 'r1', plan)).rejects.toThrow(/injected/);
    await store.put(`${STAGING}r1/objects/curated/t/b.parquet`, 'tampered');
    expect(await recoverStaged(store, STAGING)).toEqual([
      {
        id: 'r1',
        action: 'rolled-back',
        objects: 3,
        reason: expect.stringMatching(/^1 staged file was gone or changed .* the tables are as they were before it$/),
        kept: ['curated/t/b.parquet'],
      },
    ]);
    expect(await state()).toEqual(OLD);
    expect(await store.list('_staging/')).toEqual([]);
  });

  it('a marker whose staged copies are gone (another writer discarded them) is rolled back, not left to wedge the lake', async () => {
    await expect(commitStaged(failingAt(/^curated\//), STAGING, 'r1', plan)).rejects.toThrow(/injected/);
    await store.delete((await store.list(`${STAGING}r1/objects/`)).filter((k) => k.endsWith('.parquet')));
    expect(await pendingCommits(store, STAGING)).toEqual(['r1']);
    expect(await recoverStaged(store, STAGING)).toMatchObject([
      { id: 'r1', action: 'rolled-back', kept: ['curated/t/a.parquet', 'curated/t/b.parquet'] },
    ]);
    expect(await state()).toEqual(OLD);
    expect(await pendingCommits(store, STAGING)).toEqual([]);
    // The next commit of the same source goes through.
    await commitStaged(store, STAGING, 'r2', plan);
    expect(await state()).toEqual(NEW);
  });

  it('after part of the set was switched, what can be is rolled forward and the rest keeps its bytes, named in the reason', async () => {
    await expect(commitStaged(failingAt(/^curated\/t\/b/), STAGING, 'r1', plan)).rejects.toThrow(/injected/);
    // a is in place; the staged copies of a and b then vanish.
    await store.delete([`${STAGING}r1/objects/curated/t/a.parquet`, `${STAGING}r1/objects/curated/t/b.parquet`]);
    expect(await recoverStaged(store, STAGING)).toEqual([
      {
        id: 'r1',
        action: 'rolled-forward',
        objects: 2,
        reason: expect.stringMatching(/partly switched in its files; 1 of them had lost their staged copy/),
        kept: ['curated/t/b.parquet'],
      },
    ]);
    expect(await state()).toEqual({ 'curated/t/a.parquet': 'new a' });
    expect(await store.list('_staging/')).toEqual([]);
  });

  it('a run whose staged files were removed while it ran fails at its commit, says why, and leaves no marker', async () => {
    const commit = new StagedCommit(store, STAGING, 'r1');
    for (const put of plan.puts) await commit.stage(put);
    // Another writer (an older chainwatch without the lake lock) discards r1 as "interrupted".
    expect(await recoverStaged(store, STAGING)).toMatchObject([{ id: 'r1', action: 'discarded' }]);
    const error = await commit.commit().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).message).toMatch(/Run r1 could not switch in its files: 2 staged files were gone/);
    expect((error as StoreError).hint).toMatch(/one writer at a time/);
    expect(await state()).toEqual(OLD);
    expect(await pendingCommits(store, STAGING)).toEqual([]);
  });
});

describe('folder store leftovers', () => {
  it('removes the temp files of writers that are gone, and only those, only under the prefixes it is given', async () => {
    const folder = join(dir, 'curated', 't');
    // pid 2^22 + 1 is above Linux's pid_max default range: no such process.
    await writeFile(join(folder, 'a.parquet.tmp-4194305-dead'), 'half');
    await writeFile(join(folder, `b.parquet.tmp-${process.pid}-live`), 'being written');
    // A user's file that merely looks like a temp file, outside the lake's folders.
    await mkdir(join(dir, 'notes'));
    await writeFile(join(dir, 'notes', 'draft.txt.tmp-4194305-dead'), 'mine');
    expect(await store.list('curated/')).toEqual(['curated/t/a.parquet', 'curated/t/gone.parquet']);
    expect(await store.removeLeftovers(LAKE_FOLDERS)).toEqual(['curated/t/a.parquet.tmp-4194305-dead']);
    expect((await readdir(folder)).sort()).toEqual(['a.parquet', `b.parquet.tmp-${process.pid}-live`, 'gone.parquet']);
    expect(await readdir(join(dir, 'notes'))).toEqual(['draft.txt.tmp-4194305-dead']);
  });

  it('removes the folders that held only such files, as a delete does; a run killed at its first staged file leaves none', async () => {
    // Killed while writing the first object of its staging folder: a temp file and no key in the folder.
    const staged = join(dir, '_staging', 'ingest', 'bundled', 'killed', 'objects', 'curated', 't');
    await mkdir(staged, { recursive: true });
    await writeFile(join(staged, 'a.parquet.tmp-4194305-dead'), 'half');
    expect(await store.list('_staging/')).toEqual([]);
    expect(await store.removeLeftovers(LAKE_FOLDERS)).toEqual([
      '_staging/ingest/bundled/killed/objects/curated/t/a.parquet.tmp-4194305-dead',
    ]);
    expect(await readdir(dir)).not.toContain('_staging');
    // A folder with anything else in it stays.
    expect((await readdir(join(dir, 'curated', 't'))).sort()).toEqual(['a.parquet', 'gone.parquet']);
  });

  it('a delete removes the folders it leaves empty, as in S3, and keeps every folder with something in it', async () => {
    await commitStaged(store, STAGING, 'r1', plan);
    expect(await readdir(dir)).toEqual(['curated']);
    await store.put('curated/u/x=1/y=2/part.parquet', 'x');
    await store.delete(['curated/u/x=1/y=2/part.parquet', 'curated/t/a.parquet']);
    expect(await readdir(join(dir, 'curated'))).toEqual(['t']);
    expect(await readdir(join(dir, 'curated', 't'))).toEqual(['b.parquet']);
  });
});

describe('folder store conditional writes', () => {
  it('creates only when absent, replaces and deletes only at the version read', async () => {
    const v1 = await store.putIfAbsent('_lease/writer.json', 'one');
    expect(v1).toMatch(/^[0-9a-f]{64}$/);
    expect(await store.putIfAbsent('_lease/writer.json', 'two')).toBeUndefined();
    expect(textOf((await store.getVersioned('_lease/writer.json'))!.body)).toBe('one');
    const v2 = await store.replaceIf('_lease/writer.json', 'two', v1!);
    expect(v2).toBeDefined();
    expect(await store.replaceIf('_lease/writer.json', 'three', v1!)).toBeUndefined();
    expect(await store.deleteIf('_lease/writer.json', v1!)).toBe(false);
    expect(await store.deleteIf('_lease/writer.json', v2!)).toBe(true);
    expect(await store.exists('_lease/writer.json')).toBe(false);
    expect(await store.replaceIf('_lease/writer.json', 'four', v2!)).toBeUndefined();
    expect(await readdir(dir)).not.toContain('_lease');
  });

  it('of many writers racing to create, or to swap one version, exactly one wins', async () => {
    const created = await Promise.all(Array.from({ length: 20 }, (_, i) => store.putIfAbsent('k.json', `w${i}`)));
    expect(created.filter(Boolean)).toHaveLength(1);
    const version = (await store.getVersioned('k.json'))!.version;
    const swapped = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.replaceIf('k.json', `s${i}`, version)),
    );
    expect(swapped.filter(Boolean)).toHaveLength(1);
    expect((await readdir(dir)).filter((n) => n.includes('.tmp-'))).toEqual([]);
  });

  it('a guard left by a process killed mid-swap does not block the version for ever', async () => {
    const version = (await store.putIfAbsent('k.json', 'old'))!;
    await writeFile(join(dir, `k.json.tmp-cas-${version.slice(0, 32)}`), '4194305');
    expect(await store.replaceIf('k.json', 'new', version)).toBeDefined();
    expect(await readdir(dir)).toEqual(['curated', 'k.json']);
  });
});
