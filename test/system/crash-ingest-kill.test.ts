/**
 * Kill the ingest at random points: a child process runs the bundled ingest of dataset B over a lake
 * holding dataset A and is SIGKILLed after a seeded random delay (12 seeds, spread evenly over the
 * length of an uninterrupted run). After every kill:
 *   - every lake table still opens, for the JS reader and for DuckDB;
 *   - the curated files are exactly A's (killed before the commit marker), exactly B's (killed after the
 *     run finished its writes), or — only while a commit marker is pending — each file A's or B's;
 *   - the killed run's manifest, if written, says it did not finish (or that it succeeded);
 *   - a clean re-run lands exactly B's bytes and leaves no temp file and no staging behind.
 */
import { scaled } from '../support/slowdown.ts';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';
import { getJson } from '../../src/core/seams/object-store.ts';
import { runIngest } from '../../src/core/ingest/ingest.ts';
import type { IngestManifest } from '../../src/core/lake/manifest.ts';
import {
  bundleChild,
  curatedFiles,
  leftovers,
  readableCounts,
  killPoint,
  sleep,
  smallData,
  spawnNode,
  type BundledChild,
} from '../crash/support.ts';

const KILLS = 12;
const NOW = new Date('2026-03-01T06:00:00Z');
let root: string;
let dataB: string;
let beforeLake: string;
let before: Map<string, string>;
let after: Map<string, string>;
let child: BundledChild;
/** Uninterrupted: milliseconds from the child's "start", and from its last table's plan (just before its commit), to its "done". */
let runMs: number;
let tailMs: number;
/** The last progress line before the commit: the plan of the bundled source's last table. */
const LAST_PLAN = /^curated\/basket: /m;
const phases: Record<string, number> = {};

const ingest = (lake: string, data: string, runId: string) =>
  runIngest({ store: new FolderObjectStore(lake), runId, dataDir: data, now: NOW });
const copyLake = async (name: string) => {
  const lake = join(root, name);
  await cp(beforeLake, lake, { recursive: true });
  return lake;
};

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'chainwatch-kill-ingest-'));
  const dataA = await smallData(join(root, 'data-a'), 'a');
  dataB = await smallData(join(root, 'data-b'), 'b');
  beforeLake = join(root, 'before');
  await ingest(beforeLake, dataA, 'a');
  before = await curatedFiles(beforeLake);
  const reference = await copyLake('reference');
  await ingest(reference, dataB, 'reference');
  after = await curatedFiles(reference);
  await readableCounts(reference);
  // A and B differ in changed, added and kept partitions: a kill can land between them.
  const changed = [...after.keys()].filter((k) => before.get(k) !== after.get(k));
  expect(changed.length).toBeGreaterThan(3);
  expect([...before.keys()].filter((k) => before.get(k) === after.get(k)).length).toBeGreaterThan(0);

  child = await bundleChild();
  const lake = await copyLake('calibration');
  const run = spawnNode(child.args('ingest', lake, dataB, 'calibration'), child.env);
  const [started, planned, done] = await Promise.all([run.line(/^start$/m), run.line(LAST_PLAN), run.line(/^done$/m)]);
  const exit = await run.exited;
  expect(exit.code, exit.stderr).toBe(0);
  runMs = done - started;
  tailMs = done - planned;
  expect(await curatedFiles(lake)).toEqual(after);
}, scaled(120_000));

afterAll(async () => {
  console.log(
    `ingest kills: ${KILLS} (uninterrupted run ${Math.round(runMs)} ms, commit and writes ${Math.round(tailMs)} ms); by what they interrupted: ${JSON.stringify(phases)}`,
  );
  await rm(root, { recursive: true, force: true });
});

describe(`ingest killed at ${KILLS} seeded random points`, () => {
  for (let seed = 1; seed <= KILLS; seed++) {
    it(`seed ${seed}: the lake stays readable and consistent, and a re-run completes it`, async () => {
      const lake = await copyLake(`kill-${seed}`);
      const runId = `killed-${seed}`;
      const run = spawnNode(child.args('ingest', lake, dataB, runId), child.env);
      // Odd seeds: anywhere in the run, reaching a little past its end so some kills find it done.
      // Even seeds: in its short last part (stage, commit, apply, manifest), where a delay spread over
      // the whole run seldom lands.
      const [anchor, span] = seed % 2 === 1 ? [/^start$/m, runMs * 1.1] : [LAST_PLAN, tailMs];
      const from = await run.line(anchor);
      await sleep(from + killPoint(Math.ceil(seed / 2), KILLS / 2) * span - performance.now());
      run.process.kill('SIGKILL');
      const exit = await run.exited;

      await readableCounts(lake);
      const curated = await curatedFiles(lake);
      const marker = `_staging/ingest/bundled/${runId}/_COMMIT.json`;
      const pending = (await leftovers(lake)).includes(marker);
      const manifest = await getJson<IngestManifest>(new FolderObjectStore(lake), `_runs/${runId}.json`);
      let phase: string;
      if (exit.code === 0) {
        phase = 'nothing (finished before the kill)';
        expect(manifest?.outcome).toBe('succeeded');
        expect(curated).toEqual(after);
      } else if (pending) {
        phase = 'the apply of a committed set';
        for (const [key, hash] of curated) expect([before.get(key), after.get(key)], key).toContain(hash);
      } else if (manifest?.outcome === 'succeeded') {
        phase = 'nothing (finished before the kill)';
        expect(curated).toEqual(after);
      } else {
        // Before the commit marker, or after the apply and before the final manifest.
        const same = (m: Map<string, string>) => JSON.stringify([...curated]) === JSON.stringify([...m]);
        phase = same(before) ? 'the run before its commit marker' : 'the run after its writes, before its manifest';
        expect(same(before) || same(after), 'curated files are all A’s or all B’s').toBe(true);
      }
      if (manifest && manifest.outcome !== 'succeeded') expect(manifest.error?.name).toBe('Unfinished');
      phases[phase] = (phases[phase] ?? 0) + 1;

      const rerun = await ingest(lake, dataB, `rerun-${seed}`);
      expect(rerun.outcome).toBe('succeeded');
      // B's exact bytes (read by both readers in the set-up), and nothing left over.
      expect(await curatedFiles(lake)).toEqual(after);
      expect(await leftovers(lake)).toEqual([]);
      if (pending)
        expect(rerun.sources.bundled.recovered).toEqual([
          expect.objectContaining({ id: runId, action: 'rolled-forward' }),
        ]);
    });
  }
});
