/**
 * Node's recursive mkdir fails with ENOENT when another process removes the folder between mkdir's own
 * "it exists" and its stat of it (one run's empty-folder cleanup of `_lease/` as the next run takes the lock).
 * No real timing reproduces that window reliably, so here mkdir fails once, as it does then.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { textOf } from '../../src/core/seams/object-store.ts';

const mkdirFailures = vi.hoisted(() => ({ pending: 0 }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  const mkdir = async (...args: Parameters<typeof fs.mkdir>) => {
    if (mkdirFailures.pending > 0) {
      mkdirFailures.pending--;
      throw Object.assign(new Error(`ENOENT: no such file or directory, mkdir '${String(args[0])}'`), {
        code: 'ENOENT',
      });
    }
    return fs.mkdir(...args);
  };
  return { ...fs, mkdir };
});

let root: string | undefined;
afterEach(() => (root ? rm(root, { recursive: true, force: true }) : undefined));

it('a folder removed inside mkdir itself (ENOENT from a recursive mkdir) is made again', async () => {
  // The fast lane shares module caches between files: load the store afresh so it sees this file's mkdir.
  vi.resetModules();
  const { FolderObjectStore } = await import('../../src/adapters/folder-store/folder-store.ts');
  root = await mkdtemp(join(tmpdir(), 'chainwatch-mkdir-race-'));
  const store = new FolderObjectStore(root);
  mkdirFailures.pending = 1;
  await store.put('_lease/writer.json', 'mine');
  expect(mkdirFailures.pending).toBe(0);
  expect(textOf((await store.get('_lease/writer.json'))!)).toBe('mine');
});
