/**
 * Fault injection. Every scenario starts from a lake holding the last good data (bundled dataset A
 * and a refresh of the live sources) and its published site, injects one fault — through the HTTP
 * seam, through the object store (on the wire in front of a real S3 API, or a full disk), or by
 * killing the process at a chosen point — and must end with:
 *   - the last good curated data intact and readable (the JS reader and DuckDB), and the site intact;
 *   - a run manifest saying what failed;
 *   - a clean re-run that completes the work, byte for byte what an undisturbed run writes.
 */
import { scaled } from '../support/slowdown.ts';
import type { LiveSourceId } from '../../src/core/sources.ts';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLambdaLog, logRecords } from '../support/lambda-log.ts';
import { production, tradeFlows } from '../../data-schemas/curated.ts';
import { buildSiteFolder } from '../../src/cli/site-folder-build.ts';
import { DuckDBQueryEngine } from '../../src/adapters/duckdb-engine/duckdb-engine.ts';
import { StoreError } from '../../src/core/errors.ts';
import type { HttpClient } from '../../src/core/http/http-client.ts';
import { replayHttp, type Reply, type Route } from '../support/replay-http.ts';
import { readTable } from '../../src/core/lake/read-table.ts';
import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';
import { getJson, type ObjectStore } from '../../src/core/seams/object-store.ts';
import { S3ObjectStore } from '../../src/adapters/s3-store/s3-store.ts';
import { handler } from '../../lambdas/ingest.ts';
import { runIngest } from '../../src/core/ingest/ingest.ts';
import type { IngestManifest } from '../../src/core/lake/manifest.ts';
import { runRefresh } from '../../src/core/ingest/refresh.ts';
import { runMetrics } from '../../src/core/metrics/metrics.ts';

import { hookedStore } from '../crash/hooked-store.ts';
import { startS3FaultProxy, type S3FaultProxy } from '../crash/s3-fault-proxy.ts';
import {
  bundleChild,
  curatedFiles,
  leftovers,
  linkCopy,
  readableCounts,
  REPO,
  smallData,
  snapshot,
  spawnNode,
  type BundledChild,
} from '../crash/support.ts';
import { digests } from '../support/ingest-support.ts';
import { MOTO_SDK_ENV, s3ClientFor, claimMoto, type Moto } from '../support/moto.ts';

const fixture = (path: string): string => readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8');
const EMPTY_ENVELOPE = JSON.stringify({ elapsedTime: '0.1 secs', count: 0, data: [], error: '' });
const NOW = new Date('2026-03-01T06:00:00Z');
const REFRESH_NOW = () => new Date('2025-08-05T06:00:00Z');

/** The live world of test/fast/refresh.test.ts, from committed fixtures; `fault` replaces one source's answers. */
function world(fault?: { source: LiveSourceId; reply: Reply }): Route[] {
  const routes: (Route & { source: LiveSourceId })[] = [
    {
      source: 'comtrade',
      path: '/public/v1/preview/C/A/HS',
      query: { period: '2021', cmdCode: '280530' },
      replies: [{ body: fixture('comtrade/get-A-2021-r842-M-280530.from-bundled.json') }],
    },
    { source: 'comtrade', path: '/public/v1/preview/C/A/HS', replies: [{ body: EMPTY_ENVELOPE }] },
    {
      source: 'census',
      path: '/imports/hs',
      query: { I_COMMODITY: '854231', time: 'from 2024-07 to 2025-06' },
      replies: [{ body: fixture('census/imports-854231-2024-07_2025-06.synthetic.json') }],
    },
    {
      source: 'census',
      path: '/imports/hs',
      query: { I_COMMODITY: '854231', time: 'from 2024-08 to 2025-07' },
      replies: [{ body: fixture('census/imports-854231-2024-08_2025-07.synthetic.json') }],
    },
    { source: 'census', path: '/imports/hs', replies: [{ status: 204 }] },
    { source: 'census', path: '/exports/hs', replies: [{ status: 204 }] },
    {
      source: 'usgs',
      path: '/mcs2026-rare-earths-world.csv',
      replies: [{ body: fixture('usgs/mcs2026_rare-earths_world.from-bundled.csv') }],
    },
  ];
  if (!fault) return routes;
  const path = routes.find((r) => r.source === fault.source)!.path;
  return [{ path, replies: [fault.reply] }, ...routes.filter((r) => r.source !== fault.source)];
}

const refresh = (
  store: ObjectStore,
  runId: string,
  period: string,
  o: { routes?: Route[]; client?: HttpClient; sources?: LiveSourceId[] } = {},
) =>
  runRefresh({
    store,
    runId,
    period,
    env: {},
    now: REFRESH_NOW,
    sources: o.sources,
    http: {
      http: o.client ?? replayHttp(o.routes ?? world()),
      sleep: async () => {},
      random: () => 0,
      policy: { retries: 2, timeoutMs: 50 },
    },
    usgs: {
      csvs: [
        { chapter: 'rare-earths', edition: 2026, url: 'https://sciencebase.example/mcs2026-rare-earths-world.csv' },
      ],
    },
    window: { comtradeYears: 4 },
    overrides: { hs: ['280530', '854231'], flows: ['M'] },
  });

let root: string;
let dataA: string;
let dataB: string;
/** The last good lake and its published site. */
let goodLake: string;
let goodSite: string;
let good: Map<string, string>;
let site0: Map<string, string>;
/** The last good lake with B ingested over it, undisturbed: what a clean re-run of a failed ingest of B writes. */
let withB: string;
let afterB: Map<string, string>;
let child: BundledChild;
const figures: string[] = [];

/**
 * A copy made of hard links (`linkCopy`): neither the lake's writers nor the site's ever rewrite a file in place,
 * so a scenario's writes never reach the original, and a copy costs its folders, not its bytes.
 */
const copy = (from: string, name: string) => {
  const to = join(root, name);
  linkCopy(from, to);
  return to;
};
const manifestOf = (lake: string, runId: string) =>
  getJson<IngestManifest>(new FolderObjectStore(lake), `_runs/${runId}.json`);

/** As `chainwatch metrics` runs them: with the store, so a table whose inputs are unchanged is kept. */
async function metrics(lake: string): Promise<void> {
  const store = new FolderObjectStore(lake);
  const engine = await DuckDBQueryEngine.create({ lakeRoot: lake, store });
  try {
    await runMetrics({ engine, store });
  } finally {
    await engine.close();
  }
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'chainwatch-faults-'));
  dataA = await smallData(join(root, 'data-a'), 'a');
  dataB = await smallData(join(root, 'data-b'), 'b');
  goodLake = join(root, 'good-lake');
  const store = new FolderObjectStore(goodLake);
  await runIngest({ store, runId: 'good-bundled', dataDir: dataA, now: NOW });
  expect((await refresh(store, 'good-live', '2025-06')).staleSources).toEqual([]);
  await metrics(goodLake);
  goodSite = join(root, 'good-site', 'site');
  await buildSiteFolder({ store, outDir: goodSite });
  good = await curatedFiles(goodLake);
  site0 = await snapshot(goodSite);
  withB = copy(goodLake, 'with-b');
  await runIngest({ store: new FolderObjectStore(withB), runId: 'rerun', dataDir: dataB, now: NOW });
  afterB = await curatedFiles(withB);
  child = await bundleChild();
}, scaled(120_000));

afterAll(async () => {
  console.log(`fault scenarios:\n  ${figures.join('\n  ')}`);
  await rm(root, { recursive: true, force: true });
});

/** The last good state is untouched: same curated bytes, every table readable, the published site as it was. */
async function lastGoodIntact(lake: string): Promise<void> {
  expect(await curatedFiles(lake)).toEqual(good);
  await readableCounts(lake);
  // Hashed once: snapshot knows a file by its inode, size and modification time (test/crash/support.ts).
  expect(await snapshot(goodSite)).toEqual(site0);
}

describe('a live source fails (HTTP seam): it is reported stale and keeps its last good data', () => {
  const cases: { name: string; source: LiveSourceId; reply?: Reply; client?: HttpClient; message: RegExp }[] = [
    {
      name: '429 Too Many Requests',
      source: 'comtrade',
      reply: { status: 429, headers: { 'retry-after': '1' }, body: 'rate limit exceeded' },
      message: /failed after 3 attempts; last: HTTP 429/,
    },
    {
      name: '500 Internal Server Error',
      source: 'census',
      reply: { status: 500, body: 'Internal Server Error' },
      message: /failed after 3 attempts; last: HTTP 500/,
    },
    {
      name: 'timeout (no answer)',
      source: 'usgs',
      // A server that never answers: only the request's own timeout (AbortSignal) ends the wait.
      client: (_request, signal) =>
        new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
      message: /last: no response within 50 ms/,
    },
    {
      name: 'connection reset',
      source: 'comtrade',
      reply: {
        error: Object.assign(new TypeError('fetch failed'), {
          cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
        }),
      },
      message: /last: connection reset by the server \(ECONNRESET\)/,
    },
    {
      name: 'truncated body',
      source: 'census',
      reply: { body: fixture('census/imports-854231-2024-08_2025-07.synthetic.json').slice(0, 400) },
      message: /last: unusable response body \(not valid JSON/,
    },
  ];
  /** Each source's refresh over the last good lake, undisturbed: what the clean re-run must write. */
  const fresh = new Map<LiveSourceId, Map<string, string>>();
  beforeAll(async () => {
    for (const source of new Set(cases.map((c) => c.source))) {
      const lake = copy(goodLake, `http-reference-${source}`);
      await refresh(new FolderObjectStore(lake), 'rerun', '2025-07', { sources: [source] });
      fresh.set(source, await curatedFiles(lake));
    }
  });

  for (const c of cases) {
    it(`${c.name} (${c.source})`, async () => {
      const lake = copy(goodLake, `http-${c.source}-${c.name.replace(/\W+/g, '-')}`);
      const store = new FolderObjectStore(lake);
      const manifest = await refresh(store, 'faulty', '2025-07', {
        sources: [c.source],
        client: c.client,
        routes: c.reply && world({ source: c.source, reply: c.reply }),
      });
      expect(manifest.outcome).toBe('succeeded');
      expect(manifest.staleSources).toEqual([c.source]);
      expect(manifest.sources[c.source].error?.message).toMatch(c.message);
      expect((await manifestOf(lake, 'faulty'))?.sources[c.source].error?.message).toMatch(c.message);
      await lastGoodIntact(lake);

      const rerun = await refresh(store, 'rerun', '2025-07', { sources: [c.source] });
      expect(rerun.staleSources).toEqual([]);
      expect(await curatedFiles(lake)).toEqual(fresh.get(c.source));
      figures.push(
        `${c.name}: ${c.source} stale — ${manifest.sources[c.source].error?.message.replace(/https?:\S+/, '<url>')}; re-run fresh`,
      );
    });
  }

  it('the site built after a stale run says so, and still shows the stale source’s last good data', async () => {
    const lake = copy(goodLake, 'stale-site-lake');
    const store = new FolderObjectStore(lake);
    await refresh(store, 'stale-run', '2025-07', {
      sources: ['comtrade'],
      routes: world({ source: 'comtrade', reply: { status: 503, body: 'down' } }),
    });
    await metrics(lake);
    const site = join(root, 'stale-site', 'site');
    await buildSiteFolder({ store, outDir: site });
    const quality = readFileSync(join(site, 'data-quality.html'), 'utf8');
    expect(quality).toMatch(/comtrade[\s\S]{0,400}stale|stale[\s\S]{0,400}comtrade/);
    const comtrade = (await readTable<{ source: string }>(store, tradeFlows)).filter((r) => r.source === 'comtrade');
    const before = (await readTable<{ source: string }>(new FolderObjectStore(goodLake), tradeFlows)).filter(
      (r) => r.source === 'comtrade',
    );
    expect(comtrade).toEqual(before);
    expect(comtrade.length).toBeGreaterThan(0);
  });
});

describe('the object store fails (S3 API on loopback, faults injected on the wire)', () => {
  let moto: Moto;
  let proxy: S3FaultProxy;
  let s3: S3Client;
  let bucket: S3ObjectStore;
  let after: Map<string, string>;
  beforeAll(async () => {
    moto = await claimMoto();
    proxy = await startS3FaultProxy(moto.endpoint);
    s3 = s3ClientFor(proxy.endpoint);
    await s3.send(new CreateBucketCommand({ Bucket: 'lake' }));
    // Lake A, ingested once under a/: each scenario starts from a copy of it (a request per object, where an
    // ingest makes several).
    bucket = new S3ObjectStore({ bucket: 'lake', client: s3 });
    await runIngest({
      store: new S3ObjectStore({ bucket: 'lake', prefix: 'a/', client: s3 }),
      runId: 'good-bundled',
      dataDir: dataA,
      now: NOW,
    });
    // What B over A writes, uninterrupted (on a folder: the same keys and bytes as in S3).
    const reference = new FolderObjectStore(join(root, 's3-reference'));
    await runIngest({ store: reference, runId: 'a', dataDir: dataA, now: NOW });
    await runIngest({ store: reference, runId: 'b', dataDir: dataB, now: NOW });
    after = await curatedFiles(join(root, 's3-reference'));
  }, scaled(120_000));
  afterAll(async () => {
    s3?.destroy();
    await proxy?.close();
    await moto?.stop();
  });

  /** A prefix of the bucket holding a copy of lake A (bundled only), and the store over it. */
  async function lakeA(prefix: string): Promise<S3ObjectStore> {
    proxy.setRule(() => 'forward');
    await Promise.all((await bucket.list('a/')).map((key) => bucket.copy(key, prefix + key.slice('a/'.length))));
    return new S3ObjectStore({ bucket: 'lake', prefix, client: s3 });
  }
  const curatedOf = async (store: ObjectStore) => digests(store, 'curated/');
  const readable = async (store: ObjectStore) => {
    for (const t of [tradeFlows, production]) await readTable(store, t);
  };

  it(
    'PutObject fails (500 InternalError, after the SDK’s retries) while curated files are replaced: the recovery step finishes the commit',
    async () => {
      const store = await lakeA('put-failure/');
      const before = await curatedOf(store);
      let curatedPuts = 0;
      proxy.setRule((method, path) =>
        method === 'PUT' && path.startsWith('/lake/put-failure/curated/') && ++curatedPuts > 1
          ? { status: 500, code: 'InternalError', message: 'We encountered an internal error. Please try again.' }
          : 'forward',
      );
      const error = await runIngest({ store, runId: 'faulty', dataDir: dataB, now: NOW }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreError);
      expect((error as StoreError).message).toMatch(
        /Could not write s3:\/\/lake\/put-failure\/curated\/.* InternalError/,
      );
      const manifest = await getJson<IngestManifest>(store, '_runs/faulty.json');
      expect(manifest).toMatchObject({
        outcome: 'failed',
        error: { name: 'StoreError', message: expect.stringMatching(/InternalError/) },
      });
      // Decided but half applied: the marker is there, every curated object is A's or B's, all readable.
      expect(await store.list('_staging/ingest/bundled/faulty/_COMMIT.json')).toHaveLength(1);
      for (const [key, hash] of await curatedOf(store)) expect([before.get(key), after.get(key)], key).toContain(hash);
      await readable(store);

      // The state machine's failure path: the same Lambda, in recovery mode, finishes the commit before metrics run.
      proxy.setRule(() => 'forward');
      const saved = { ...process.env };
      Object.assign(process.env, {
        LAKE_BUCKET: 'lake',
        LAKE_PREFIX: 'put-failure/',
        AWS_ENDPOINT_URL_S3: proxy.endpoint,
        ...MOTO_SDK_ENV,
      });
      try {
        const { result, error, records } = await captureLambdaLog(() =>
          handler({ source: 'bundled', runId: 'sfn', recover: true }),
        );
        expect(error).toBeUndefined();
        expect(result).toEqual({
          source: 'bundled',
          recovered: [
            { id: 'faulty', action: 'rolled-forward', objects: expect.any(Number), reason: expect.any(String) },
          ],
        });
        // The operator reads what the recovery did in the function's log.
        expect(logRecords(records).map((r) => r.message)).toContainEqual(
          expect.stringMatching(/^bundled: rolled-forward the staged writes of run faulty \(\d+ objects\)/),
        );
      } finally {
        process.env = saved;
      }
      expect(await curatedOf(store)).toEqual(after);
      expect(await store.list('_staging/')).toEqual([]);
      const rerun = await runIngest({ store, runId: 'rerun', dataDir: dataB, now: NOW });
      expect(rerun.outcome).toBe('succeeded');
      expect(rerun.sources.bundled.recovered).toBeUndefined();
      expect(await curatedOf(store)).toEqual(after);
      figures.push(
        `S3 PutObject 500 mid-apply: run failed (${(error as Error).name}), commit finished by the Lambda's recovery mode, re-run had nothing left to do`,
      );
    },
    scaled(60_000),
  );

  it(
    'S3 slows down (503 SlowDown): once per request the SDK retries and the run completes; without end the run fails before its commit',
    async () => {
      const store = await lakeA('slow-down/');
      const before = await curatedOf(store);
      const slowDown = { status: 503, code: 'SlowDown', message: 'Please reduce your request rate.' };
      // The first try of each of the first three staged files is refused (throttling backs off for
      // hundreds of milliseconds per retry, so three are enough to show it).
      const attempts = new Map<string, number>();
      proxy.setRule((method, path) => {
        if (method !== 'PUT' || !path.startsWith('/lake/slow-down/_staging/')) return 'forward';
        const n = (attempts.get(path) ?? 0) + 1;
        attempts.set(path, n);
        return n === 1 && attempts.size <= 3 ? slowDown : 'forward';
      });
      const transient = await runIngest({ store, runId: 'slowed', dataDir: dataB, now: NOW });
      expect(transient.outcome).toBe('succeeded');
      expect(
        proxy.log.filter((l) => l.request.startsWith('PUT /lake/slow-down/') && l.decision !== 'forward'),
      ).toHaveLength(3);
      expect(await curatedOf(store)).toEqual(after);

      // Lake A again, and S3 never stops saying SlowDown for staging writes.
      const again = await lakeA('slow-down-2/');
      proxy.setRule((method, path) =>
        method === 'PUT' && path.startsWith('/lake/slow-down-2/_staging/') ? slowDown : 'forward',
      );
      const error = await runIngest({ store: again, runId: 'throttled', dataDir: dataB, now: NOW }).catch(
        (e: unknown) => e,
      );
      expect((error as StoreError).message).toMatch(/SlowDown/);
      expect(await getJson<IngestManifest>(again, '_runs/throttled.json')).toMatchObject({
        outcome: 'failed',
        error: { message: expect.stringMatching(/SlowDown/) },
      });
      expect(await curatedOf(again)).toEqual(before);
      proxy.setRule(() => 'forward');
      const rerun = await runIngest({ store: again, runId: 'rerun', dataDir: dataB, now: NOW });
      expect(rerun.outcome).toBe('succeeded');
      expect(await curatedOf(again)).toEqual(after);
      expect(await again.list('_staging/')).toEqual([]);
      figures.push(
        'S3 503 SlowDown once per request: absorbed by SDK retries, run succeeded; SlowDown on every try: run failed before its commit, A intact, re-run completed',
      );
    },
    scaled(60_000),
  );
});

describe('the local lake’s disk is full', () => {
  it('a write that does not fit fails the run with ENOSPC; A is intact; with space again the re-run completes', async () => {
    const lake = copy(goodLake, 'disk-full');
    const folder = new FolderObjectStore(lake);
    // Room for a few kilobytes: the raw copies of B's changed files fit, the staged Parquet does not.
    let free = 60_000;
    const full = hookedStore(folder, {
      beforePut: (key, body) => {
        const size = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
        if (size > free) {
          throw new StoreError(
            `Could not write ${folder.location}${key}: ENOSPC: no space left on device, write`,
            'Check that the lake folder is writable and the disk has free space.',
          );
        }
        free -= size;
      },
    });
    const error = await runIngest({ store: full, runId: 'disk-full', dataDir: dataB, now: NOW }).catch(
      (e: unknown) => e,
    );
    expect((error as StoreError).message).toMatch(/ENOSPC: no space left on device/);
    expect(await manifestOf(lake, 'disk-full')).toMatchObject({
      outcome: 'failed',
      error: { message: expect.stringMatching(/ENOSPC/) },
    });
    await lastGoodIntact(lake);

    const rerun = await runIngest({ store: folder, runId: 'rerun', dataDir: dataB, now: NOW });
    expect(rerun.outcome).toBe('succeeded');
    expect(await curatedFiles(lake)).toEqual(afterB);
    expect(await leftovers(lake)).toEqual([]);
    figures.push('disk full: run failed with ENOSPC before its commit, manifest says so, A intact, re-run completed');
  });
});

describe('the process is killed at a chosen point of the ingest', () => {
  const points = [
    {
      name: 'after staging the curated files, before the commit marker',
      pattern: '_COMMIT\\.json$',
      nth: 1,
      state: 'old',
      recovery: 'discarded',
    },
    {
      name: 'after the commit marker, between two curated files',
      pattern: '^curated/',
      nth: 2,
      state: 'mixed',
      recovery: 'rolled-forward',
    },
    {
      name: 'after the curated files, before the final manifest',
      pattern: '^_runs/',
      nth: 2,
      state: 'new',
      recovery: undefined,
    },
  ] as const;
  for (const p of points) {
    it(`killed ${p.name}`, async () => {
      const lake = copy(goodLake, `kill-${p.nth}-${p.pattern.replace(/\W+/g, '')}`);
      const exit = await spawnNode(child.args('ingest', lake, dataB, 'killed', p.pattern, String(p.nth)), child.env)
        .exited;
      expect(exit.signal).toBe('SIGKILL');
      const curated = await curatedFiles(lake);
      // lastGoodIntact reads every table too.
      if (p.state === 'old') await lastGoodIntact(lake);
      else await readableCounts(lake);
      if (p.state === 'new') expect(curated).toEqual(afterB);
      if (p.state === 'mixed') {
        for (const [key, hash] of curated) expect([good.get(key), afterB.get(key)], key).toContain(hash);
        expect(curated).not.toEqual(good);
        expect(curated).not.toEqual(afterB);
      }
      // The killed run's manifest says it never finished.
      expect(await manifestOf(lake, 'killed')).toMatchObject({ outcome: 'failed', error: { name: 'Unfinished' } });

      const rerun = await runIngest({ store: new FolderObjectStore(lake), runId: 'rerun', dataDir: dataB, now: NOW });
      expect(rerun.sources.bundled.recovered ?? []).toEqual(
        p.recovery ? [expect.objectContaining({ id: 'killed', action: p.recovery })] : [],
      );
      expect(await curatedFiles(lake)).toEqual(afterB);
      expect(await leftovers(lake)).toEqual([]);
      figures.push(
        `killed ${p.name}: curated ${p.state}, manifest "Unfinished", re-run ${p.recovery ?? 'had nothing to recover'} and completed`,
      );
    });
  }
});

describe('the process is killed while the report publishes the site', () => {
  it(
    '`chainwatch report` killed as it starts writing leaves the published site as it was; a re-run publishes the new one',
    async () => {
      const lake = copy(withB, 'publish-lake');
      await metrics(lake);
      const parent = copy(join(root, 'good-site'), 'publish-site');
      const site = join(parent, 'site');
      const cli = join(REPO, 'bin', 'chainwatch.js');
      const run = spawnNode([cli, 'report', '--lake', lake, '--out', site]);
      await run.line(/writing release/);
      run.process.kill('SIGKILL');
      expect((await run.exited).signal).toBe('SIGKILL');
      expect(await snapshot(site)).toEqual(site0);
      const orphans = (await readdir(parent)).filter((f) => f.startsWith('.site.'));

      await buildSiteFolder({ store: new FolderObjectStore(lake), outDir: site });
      const published = await snapshot(site);
      expect(published.get('index.html')).toBeDefined();
      expect(published).not.toEqual(site0);
      figures.push(
        `chainwatch report killed while writing: site unchanged (${site0.size} files); ${orphans.length} staging folder(s) left beside it; re-run published ${published.size} files`,
      );
    },
    scaled(120_000),
  );
});
