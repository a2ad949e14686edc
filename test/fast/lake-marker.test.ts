/**
 * claimLake on the race two chainwatch runs started on one new lake can meet: the other run marks the
 * lake (and takes its lease) between this run's look for the marker and its listing of the folder.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';
import { UsageError } from '../../src/core/errors.ts';
import { claimLake } from '../../src/core/lake/lake-marker.ts';
import { LAKE_MARKER } from '../../src/core/lake/layout.ts';

describe('claimLake', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'chainwatch-claim-'));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('a lake the other run marked between the two looks is a marked lake, not a foreign folder', async () => {
    const store = new FolderObjectStore(root);
    let first = true;
    // The first look for the marker comes just before the other run writes it and its lease.
    const racing = Object.assign(Object.create(store), {
      exists: async (key: string) => {
        if (key === LAKE_MARKER && first) {
          first = false;
          await store.put(LAKE_MARKER, '{"chainwatch":"lake"}');
          await store.put('_lease/writer.json', '{}');
          return false;
        }
        return store.exists(key);
      },
    });
    expect(await claimLake(racing)).toBe('marked');
  });

  it('a folder with other files is still refused', async () => {
    const store = new FolderObjectStore(root);
    await store.put('taxes.pdf', 'mine');
    await expect(claimLake(store)).rejects.toBeInstanceOf(UsageError);
  });
});
