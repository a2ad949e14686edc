/**
 * Kill the report build while it publishes the site folder. The sites of lake A and lake B are built
 * once, uninterrupted (the same release month, as a rebuild after a corrected ingest is). Then, 12
 * times, a child process publishes B's rendered files over a copy of A's site folder — the report
 * build's own last step, the site folder switch, without re-rendering every time — and is SIGKILLed
 * after a seeded random delay, one in each of twelve equal slices of an uninterrupted publish. After
 * every kill the site folder is exactly A's site or exactly B's, file for file and byte for byte; a
 * clean rebuild then gives B's site. (test/system/fault-injection.test.ts also kills a whole `chainwatch report` once.)
 */
import { scaled } from '../support/slowdown.ts';
import { cp, mkdtemp, readdir, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBQueryEngine } from '../../src/adapters/duckdb-engine/duckdb-engine.ts';
import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';
import { runIngest } from '../../src/core/ingest/ingest.ts';
import { runMetrics } from '../../src/core/metrics/metrics.ts';
import {
  bundleChild,
  linkCopy,
  killPoint,
  sleep,
  smallData,
  snapshot,
  spawnNode,
  type BundledChild,
} from '../crash/support.ts';

const KILLS = 12;
const MONTH = '2026-03';
let root: string;
let child: BundledChild;
let lakeB: string;
let oldSite: Map<string, string>;
let newSite: Map<string, string>;
/** B's rendered files, as the publish step takes them: B's site folder. */
let rendered: string;
/** Uninterrupted: milliseconds from the publish child's "start" to its "done". */
let writeMs: number;
const outcomes: Record<string, number> = {};
let orphans = 0;

async function lake(name: string, variant: 'a' | 'b'): Promise<string> {
  const dir = join(root, name);
  const store = new FolderObjectStore(dir);
  await runIngest({
    store,
    runId: variant,
    dataDir: await smallData(join(root, `data-${variant}`), variant),
    now: new Date('2026-03-01T06:00:00Z'),
  });
  const engine = await DuckDBQueryEngine.create({ lakeRoot: dir, store });
  try {
    await runMetrics({ engine });
  } finally {
    await engine.close();
  }
  return dir;
}

/** Build a site from `lakeDir` into `<parent>/site` with the child, uninterrupted. */
async function build(lakeDir: string, parent: string): Promise<void> {
  const exit = await spawnNode(child.args('report', lakeDir, join(parent, 'site'), MONTH), child.env).exited;
  expect(exit.code, exit.stderr).toBe(0);
}

const publish = (parent: string) =>
  spawnNode(child.args('publish', '-', join(parent, 'site'), MONTH, rendered), child.env);

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'chainwatch-kill-publish-'));
  child = await bundleChild();
  const lakeA = await lake('lake-a', 'a');
  lakeB = await lake('lake-b', 'b');
  await build(lakeA, join(root, 'old'));
  oldSite = await snapshot(join(root, 'old', 'site'));
  // verbatimSymlinks: the copy's site link must point at its own build folder, not back into old/.
  await cp(join(root, 'old'), join(root, 'new'), { recursive: true, verbatimSymlinks: true });
  await build(lakeB, join(root, 'new'));
  newSite = await snapshot(join(root, 'new', 'site'));
  expect(oldSite.get('index.html')).toBeDefined();
  expect(
    [...newSite.keys()].filter((k) => oldSite.get(k) !== newSite.get(k)).length,
    'B’s site differs from A’s',
  ).toBeGreaterThan(10);

  // The publish step alone, from B's files, gives B's site: the kills below interrupt exactly that.
  rendered = join(root, 'new', 'site');
  linkCopy(join(root, 'old'), join(root, 'calibration'));
  const run = publish(join(root, 'calibration'));
  const [start, done] = await Promise.all([run.line(/^start$/m), run.line(/^done$/m)]);
  expect((await run.exited).code).toBe(0);
  writeMs = done - start;
  expect(await snapshot(join(root, 'calibration', 'site'))).toEqual(newSite);
}, scaled(180_000));

afterAll(async () => {
  console.log(
    `publish kills: ${KILLS} (uninterrupted write ${Math.round(writeMs)} ms); site after the kill: ${JSON.stringify(outcomes)}; build folders of killed publishes left beside the site (removed by the next build): ${orphans}`,
  );
  await rm(root, { recursive: true, force: true });
});

describe(`site publish killed at ${KILLS} seeded random points`, () => {
  for (let seed = 1; seed <= KILLS; seed++) {
    it(`seed ${seed}: the site is the old one or the new one, never a mix`, async () => {
      const parent = join(root, `kill-${seed}`);
      linkCopy(join(root, 'old'), parent);
      const run = publish(parent);
      const from = await run.line(/^start$/m);
      await sleep(from + killPoint(seed, KILLS) * writeMs * 1.1 - performance.now());
      run.process.kill('SIGKILL');
      await run.exited;

      const site = await snapshot(join(parent, 'site'));
      const same = (m: Map<string, string>) => JSON.stringify([...site]) === JSON.stringify([...m]);
      const outcome = same(oldSite) ? 'old' : same(newSite) ? 'new' : 'mixed or missing';
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      expect(outcome, `${site.size} files; index.html ${site.has('index.html') ? 'present' : 'missing'}`).not.toBe(
        'mixed or missing',
      );
      // Build folders of killed publishes (the folder the site links to is not one).
      const linked = await readlink(join(parent, 'site')).catch(() => '');
      orphans += (await readdir(parent)).filter((f) => f.startsWith('.site.') && f !== linked).length;

      if (seed === KILLS) {
        await build(lakeB, parent);
        expect(await snapshot(join(parent, 'site'))).toEqual(newSite);
      }
    });
  }
});
