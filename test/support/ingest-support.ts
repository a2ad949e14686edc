/** Shared set-up for the ingest tests: temporary lakes and data folders, and an independent CSV reader. */
import { quarantineKey } from '../../src/core/lake/layout.ts';
import { createHash } from 'node:crypto';
import { appendFile, cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as aq from 'arquero';
import type { Reject } from '../../src/core/ingest/rows.ts';

import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';
import { textOf, type ObjectStore } from '../../src/core/seams/object-store.ts';

export const BUNDLED_DIR = 'data/bundled';
export const REFERENCE_DIR = 'data-schemas/reference';
const FIXTURES_DIR = 'test/fixtures/bundled';

/** Folders made by a test file, removed in its afterAll. */
export class TempDirs {
  private dirs: string[] = [];
  async make(label: string): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), `chainwatch-${label}-`));
    this.dirs.push(dir);
    return dir;
  }
  async lake(label: string): Promise<FolderObjectStore> {
    return new FolderObjectStore(await this.make(label));
  }
  /** A copy of data/bundled the test may change. */
  async bundledCopy(label: string): Promise<string> {
    const dir = await this.make(label);
    await cp(BUNDLED_DIR, dir, { recursive: true });
    return dir;
  }
  async removeAll(): Promise<void> {
    await Promise.all(this.dirs.map((d) => rm(d, { recursive: true, force: true })));
  }
}

/** Append the rows of a fixture file (no header) to a CSV of a data folder. */
export async function appendFixture(dataDir: string, target: string, fixture: string): Promise<void> {
  await appendFile(join(dataDir, target), await readFile(join(FIXTURES_DIR, fixture)));
}

/**
 * A CSV read with arquero's own parser (not the ingest's), every field kept as text ('' when empty): the tests'
 * expectations come from here, independent of the code under test.
 */
export async function readCsvIndependently(path: string): Promise<Record<string, string>[]> {
  const rows = aq.fromCSV(await readFile(path, 'utf8'), { autoType: false }).objects() as Record<
    string,
    string | null
  >[];
  // arquero reads an empty field as null; the files mean ''.
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v ?? ''])));
}

export async function readRejects(store: ObjectStore, runId: string): Promise<Reject[]> {
  const bytes = await store.get(quarantineKey('bundled', runId));
  if (!bytes) return [];
  return textOf(bytes)
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Reject);
}

/** Every object under a prefix with the SHA-256 of its bytes. */
export async function digests(store: ObjectStore, prefix: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const key of await store.list(prefix))
    out.set(
      key,
      createHash('sha256')
        .update((await store.get(key))!)
        .digest('hex'),
    );
  return out;
}
