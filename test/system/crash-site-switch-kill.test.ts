/**
 * Kill the report's publish (write a whole build, switch the pointer, retire old builds) at seeded
 * random points, and read the site as CloudFront does: each request through the distribution's
 * function (infra/functions/site-router.js, run in Node with a key value store stand-in that reads
 * the pointer; the cloudfront-js runtime runs only at the edge) into the bucket. The bucket is a
 * folder here (test/crash/site-bucket.ts): the publish core is the same for S3, whose uploads,
 * switch and clean-up test/system/report-publish.test.ts runs on moto; a folder makes twenty kills cheap.
 *
 * Release 2026-03 of site A is live (it carries release 2026-02); a child process publishes site B,
 * the same month rebuilt from corrected data, and is SIGKILLed after a seeded random delay, one in
 * each of twelve equal slices of an uninterrupted publish. After every kill a reader gets every page
 * of A or every page of B, byte for byte, never a mix; the next publish then completes B and leaves
 * only B and, for rollback, A — no orphan of the killed run.
 */
import { scaled } from '../support/slowdown.ts';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildInto } from '../support/build-into.ts';
import { liveSite, publishSite } from '../../src/core/report/publish-site.ts';
import { BUILDS, POINTER_KEYS } from '../../src/core/seams/site-pointer.ts';
import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';
import { fixtureLake, writeFixtureLake } from '../fixtures/report/fixture-lake.ts';
import { bundleChild, fileDigest, killPoint, linkCopy, sleep, spawnNode, type BundledChild } from '../crash/support.ts';
import { siteBucket } from '../crash/site-bucket.ts';
import { loadSiteRouter, type ViewerRequest } from '../support/site-router.ts';

const KILLS = 12;
const MONTH = '2026-03';
let root: string;
let child: BundledChild;
let siteB: string;
/** Every path either site has. */
let paths: string[];
/** What a reader gets for each path: site A (live before the publish) and site B (after it). */
let viewA: Map<string, string>;
let viewB: Map<string, string>;
let publishMs: number;
const outcomes: Record<string, number> = {};
/** Kills that left a partial build folder that no pointer names. */
let orphans = 0;

const sha = (bytes: Uint8Array | undefined) =>
  bytes === undefined ? 'missing' : createHash('sha256').update(bytes).digest('hex');
const filesOf = async (dir: string) =>
  (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'));

/**
 * The site as readers get it from the bucket in `dir`: each path requested through the router,
 * whose key value store lookup reads the pointer at that moment.
 */
async function readerView(dir: string): Promise<Map<string, string>> {
  const { store, pointer } = siteBucket(dir);
  const router = loadSiteRouter(async (key) => {
    const builds = (await pointer.read()).builds as Record<string, string> | undefined;
    const value = builds?.[key];
    if (value === undefined) throw new Error(`Key not found: ${key}`);
    return value;
  });
  const view = new Map<string, string>();
  for (const path of paths) {
    const { uri } = (await router({ request: { uri: `/${path}` } })) as ViewerRequest;
    view.set(path, await shaOfKey(store, uri.slice(1)));
  }
  return view;
}

/** The digest of a key's bytes: of its file, hashed once per inode (`fileDigest`), or of what the store says is there. */
const shaOfKey = async (store: FolderObjectStore, key: string): Promise<string> =>
  (await fileDigest(join(store.root, key))) ?? sha(await store.get(key));

async function lakeFrom(name: string, change: boolean): Promise<FolderObjectStore> {
  const lake = fixtureLake();
  if (change)
    lake.tradeFlows.find((f) => f.hs6 === '280530' && f.year === 2024 && f.partner_iso3 === 'CHN')!.value_usd =
      9_000_000;
  const store = new FolderObjectStore(join(root, name));
  await writeFixtureLake(store, lake);
  return store;
}

const publishB = (dir: string) => spawnNode(child.args('publish-build', '-', siteB, dir), child.env);

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'chainwatch-kill-switch-'));
  child = await bundleChild();
  // The live bucket: release 2026-02, then 2026-03 of site A over it.
  const seed = join(root, 'seed');
  const { store, pointer } = siteBucket(seed);
  const lakeA = await lakeFrom('lake-a', false);
  await buildInto({
    store: lakeA,
    outDir: join(root, 'site-feb'),
    releaseMonth: '2026-02',
    builtAt: new Date('2026-02-15T00:00:00Z'),
  });
  await publishSite(new FolderObjectStore(join(root, 'site-feb')), store, pointer);
  await buildInto({
    store: lakeA,
    outDir: join(root, 'site-a'),
    releaseMonth: MONTH,
    builtAt: new Date('2026-03-15T00:00:00Z'),
    archive: liveSite(store, await pointer.read()),
  });
  await publishSite(new FolderObjectStore(join(root, 'site-a')), store, pointer);
  const live = liveSite(store, await pointer.read());
  siteB = join(root, 'site-b');
  await buildInto({
    store: await lakeFrom('lake-b', true),
    outDir: siteB,
    releaseMonth: MONTH,
    builtAt: new Date('2026-03-16T00:00:00Z'),
    archive: live,
  });

  // What each site is, from its own files: A as published, B as built plus the earlier release it carries.
  const inA = await live.list('');
  const carried = inA.filter((k) => k.startsWith('releases/2026-02/'));
  const inB = [...(await filesOf(siteB)), ...carried];
  paths = [...new Set([...inA, ...inB])].sort();
  viewA = new Map(
    await Promise.all(paths.map(async (p) => [p, sha(inA.includes(p) ? await live.get(p) : undefined)] as const)),
  );
  viewB = new Map(
    await Promise.all(
      paths.map(
        async (p) =>
          [
            p,
            sha(
              !inB.includes(p) ? undefined : carried.includes(p) ? await live.get(p) : await readFile(join(siteB, p)),
            ),
          ] as const,
      ),
    ),
  );
  expect(await readerView(seed)).toEqual(viewA);
  expect([...viewA].filter(([p, h]) => viewB.get(p) !== h).length, 'B differs from A on many pages').toBeGreaterThan(
    10,
  );

  // Uninterrupted, the child's publish gives B: the kills below interrupt exactly that.
  const calibration = join(root, 'calibration');
  linkCopy(seed, calibration);
  const run = publishB(calibration);
  const [start, done] = await Promise.all([run.line(/^start$/m), run.line(/^done$/m)]);
  expect((await run.exited).code).toBe(0);
  publishMs = done - start;
  expect(await readerView(calibration)).toEqual(viewB);
}, scaled(180_000));

afterAll(async () => {
  console.log(
    `site publish kills: ${KILLS} (uninterrupted publish ${Math.round(publishMs)} ms); what readers got after the kill: ${JSON.stringify(outcomes)}; kills that left an unswitched build folder: ${orphans}`,
  );
  await rm(root, { recursive: true, force: true });
});

describe(`site publish (write a build, switch the pointer) killed at ${KILLS} seeded random points`, () => {
  for (let seed = 1; seed <= KILLS; seed++) {
    it(`seed ${seed}: readers get all of the old site or all of the new one; the next publish completes it and leaves no orphan`, async () => {
      const dir = join(root, `kill-${seed}`);
      linkCopy(join(root, 'seed'), dir);
      const run = publishB(dir);
      const from = await run.line(/^start$/m);
      await sleep(from + killPoint(seed, KILLS) * publishMs * 1.1 - performance.now());
      run.process.kill('SIGKILL');
      await run.exited;

      const view = await readerView(dir);
      const same = (m: Map<string, string>) => [...m].every(([p, h]) => view.get(p) === h);
      const outcome = same(viewA) ? 'old' : same(viewB) ? 'new' : 'mixed';
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      expect(
        outcome,
        `${[...view].filter(([p, h]) => h !== viewA.get(p)).length} paths differ from A, ${[...view].filter(([p, h]) => h !== viewB.get(p)).length} from B`,
      ).not.toBe('mixed');

      const { store, pointer } = siteBucket(dir);
      const before = (await pointer.read()).builds!;
      // A build's folder and its manifest beside it (`builds/<id>.manifest.json`) are one build.
      const buildIds = async () =>
        new Set((await store.list(BUILDS)).map((k) => k.split('/')[1].replace(/\.manifest\.json$/, '')));
      if ([...(await buildIds())].some((id) => id !== before.current && id !== before.previous)) orphans++;
      await publishSite(new FolderObjectStore(siteB), store, pointer);
      expect(await readerView(dir)).toEqual(viewB);
      const after = (await pointer.read()).builds!;
      // A killed before the switch leaves A current: the re-run switches from it. Killed after, B is already current.
      expect(after[POINTER_KEYS.previous]).toBe(outcome === 'old' ? before.current : before.previous);
      expect(await buildIds()).toEqual(new Set([after.current, after.previous]));
    });
  }
});
