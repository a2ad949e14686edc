/**
 * Same inputs, same lake bytes: a second run (in the same lake or a fresh one, at another time, with
 * another run id) writes byte-identical curated files and leaves the raw copies alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runIngest } from '../../src/core/ingest/ingest.ts';
import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';
import { bundledBuild } from '../support/bundled-site.ts';
import { digests, TempDirs } from '../support/ingest-support.ts';
import { scaled } from '../support/slowdown.ts';

const temp = new TempDirs();
let lake: FolderObjectStore;
let first: Map<string, string>;
let firstRaw: Map<string, string>;
const progress: string[] = [];
/** The shared bundled lake (test/support/bundled-site.ts): the same inputs ingested into a fresh lake by another run, at another time. */
let elsewhere: FolderObjectStore;

beforeAll(async () => {
  lake = await temp.lake('idempotency');
  await runIngest({ store: lake, runId: 'first', now: new Date('2026-02-01T00:00:00Z') });
  first = await digests(lake, 'curated/');
  firstRaw = await digests(lake, 'raw/');
  await runIngest({
    store: lake,
    runId: 'second',
    now: new Date('2026-03-01T00:00:00Z'),
    onProgress: (l) => progress.push(l),
  });
  elsewhere = new FolderObjectStore((await bundledBuild()).lake);
}, scaled(150_000));

afterAll(() => temp.removeAll());

describe('ingest twice', () => {
  it('rewrites every curated file with identical bytes', async () => {
    expect(first.size).toBeGreaterThan(10);
    expect(await digests(lake, 'curated/')).toEqual(first);
  });

  it('does not rewrite raw copies: same content, same key', async () => {
    expect(await digests(lake, 'raw/')).toEqual(firstRaw);
    const rawLines = progress.filter((l) => l.includes('raw/bundled/'));
    expect(rawLines.length).toBe(firstRaw.size);
    expect(rawLines.every((l) => l.startsWith('unchanged '))).toBe(true);
  });

  it('gives a fresh lake the same curated bytes', async () => {
    expect(await digests(elsewhere, 'curated/')).toEqual(first);
  });

  it('keeps one manifest and one quarantine file per run', async () => {
    expect(await lake.list('_runs/')).toEqual(['_runs/first.json', '_runs/second.json']);
    expect(await lake.list('quarantine/bundled/')).toEqual([
      'quarantine/bundled/first/rejects.jsonl',
      'quarantine/bundled/second/rejects.jsonl',
    ]);
  });
});
