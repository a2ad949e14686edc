/**
 * One writer per lake, with real processes: two `chainwatch run` on one lake and site at once, and a run
 * killed while it holds the lake's lock. Whatever the timing, each run finishes or refuses with who holds
 * the lake; the lake ends consistent (every manifest finished, nothing staged, no lock left) and the site
 * whole; nobody deletes a file by hand.
 */
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';
import { LEASE_KEY } from '../../src/core/lake/layout.ts';
import type { IngestManifest } from '../../src/core/lake/manifest.ts';
import { getJson } from '../../src/core/seams/object-store.ts';
import { smallData, spawnNode } from '../crash/support.ts';
import { scaled } from '../support/slowdown.ts';

let root: string;
let data: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'chainwatch-concurrent-'));
  data = await smallData(join(root, 'data'), 'b');
});
afterAll(() => rm(root, { recursive: true, force: true }));

const BUSY =
  /^chainwatch: Another chainwatch is writing to the lake .*: chainwatch run \(pid \d+ on .*\n {2}→ .*nothing was changed/m;

/** `chainwatch run` as a user starts it, in its own process. */
const run = (lake: string, site: string, ...more: string[]) =>
  spawnNode(['bin/chainwatch.js', 'run', '--lake', lake, '--out', site, '--data', data, ...more]);

/** Every run manifest finished and succeeded, nothing staged, no lock left, the site's pages there. */
async function expectConsistent(lake: string, site: string, runs: number): Promise<void> {
  const store = new FolderObjectStore(lake);
  const manifests = await store.list('_runs/');
  expect(manifests).toHaveLength(runs);
  for (const key of manifests) expect((await getJson<IngestManifest>(store, key))!.outcome, key).toBe('succeeded');
  expect(await readdir(lake)).not.toContain('_staging');
  expect(await store.exists(LEASE_KEY)).toBe(false);
  expect(await store.list('metrics/')).not.toEqual([]);
  expect(await readFile(join(site, 'index.html'), 'utf8')).toMatch(/<html/);
  expect((await stat(join(site, 'releases'))).isDirectory()).toBe(true);
}

describe('two chainwatch run on one lake at once', () => {
  it(
    'the second waits for the first: both finish, the lake consistent',
    async () => {
      const lake = join(root, 'both', 'lake');
      const site = join(root, 'both', 'site');
      const [a, b] = await Promise.all([run(lake, site).exited, run(lake, site).exited]);
      expect(a.code, a.stderr).toBe(0);
      expect(b.code, b.stderr).toBe(0);
      // Unless one finished before the other started, the later one said whom it waited for.
      const waited = `${a.stdout}${b.stdout}`.match(/waiting up to \d+ s for chainwatch run/g) ?? [];
      expect(waited.length).toBeLessThanOrEqual(1);
      await expectConsistent(lake, site, 2);
    },
    scaled(240_000),
  );

  it(
    'with --wait 0, each finishes or refuses naming the other; the lake is consistent either way',
    async () => {
      const lake = join(root, 'refuse', 'lake');
      const site = join(root, 'refuse', 'site');
      const results = await Promise.all([run(lake, site, '--wait', '0').exited, run(lake, site, '--wait', '0').exited]);
      for (const r of results) {
        if (r.code === 0) continue;
        expect(r.code, r.stderr).toBe(1);
        expect(r.stderr).toMatch(BUSY);
      }
      const finished = results.filter((r) => r.code === 0).length;
      expect(finished).toBeGreaterThanOrEqual(1);
      await expectConsistent(lake, site, finished);
    },
    scaled(240_000),
  );
});

describe('a run killed while it holds the lake', () => {
  it(
    'leaves its lock behind; the next run takes it over by itself, says so, and completes',
    async () => {
      const lake = join(root, 'killed', 'lake');
      const site = join(root, 'killed', 'site');
      const victim = run(lake, site);
      await victim.line(/curated\/trade_flows: /);
      victim.process.kill('SIGKILL');
      await victim.exited;
      expect(await new FolderObjectStore(lake).exists(LEASE_KEY)).toBe(true);

      const next = await run(lake, site, '--wait', '0').exited;
      expect(next.code, next.stderr).toBe(0);
      expect(next.stdout).toMatch(
        /took over the lock of chainwatch run \(pid \d+ on .*\): its process \d+ on .* is no longer running/,
      );
      const store = new FolderObjectStore(lake);
      const outcomes = await Promise.all(
        (await store.list('_runs/')).map(async (k) => (await getJson<IngestManifest>(store, k))!),
      );
      // The killed run's manifest says it never finished; the next one succeeded.
      expect(outcomes.map((m) => m.error?.name ?? m.outcome).sort()).toEqual(['Unfinished', 'succeeded']);
      expect(await readdir(lake)).not.toContain('_staging');
      expect(await store.exists(LEASE_KEY)).toBe(false);
      expect(await readFile(join(site, 'index.html'), 'utf8')).toMatch(/<html/);
    },
    scaled(240_000),
  );
});
