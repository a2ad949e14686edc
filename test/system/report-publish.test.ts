/**
 * Publishing a built site: every publish uploads a whole build under `builds/<id>/`, switches one
 * pointer to it, then removes retired builds. The uploads, the switch and the clean-up run against a
 * real S3 API (moto_server). The CloudFront KeyValueStore pointer runs the real SDK client against a
 * stand-in of the KeyValueStore API (moto has none; see test/support/kvs-stand-in.ts), and the
 * report Lambda handler runs end to end on both, configured by environment as Lambda runs it.
 */
import { CreateBucketCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { publishReport } from '../../lambdas/report.ts';
import { buildInto } from '../support/build-into.ts';
import { KvsSitePointer } from '../../src/adapters/kvs-site-pointer/kvs-site-pointer.ts';
import { liveSite, manifestKey, publishSite } from '../../src/core/report/publish-site.ts';
import { buildPrefix, POINTER_KEYS, StoreSitePointer } from '../../src/core/seams/site-pointer.ts';
import { InputError, StoreError, UsageError } from '../../src/core/errors.ts';
import { reportSqlFiles } from '../../src/core/sql/report-sql.ts';
import { CreateWorkGroupCommand, GetQueryExecutionCommand, ListQueryExecutionsCommand } from '@aws-sdk/client-athena';
import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';
import { S3ObjectStore } from '../../src/adapters/s3-store/s3-store.ts';
import { DuckDBQueryEngine } from '../../src/adapters/duckdb-engine/duckdb-engine.ts';
import { fixtureLake, writeFixtureLake } from '../fixtures/report/fixture-lake.ts';
import { KVS_ARN, KvsStandIn } from '../support/kvs-stand-in.ts';
import { setEnv } from '../support/env.ts';
import {
  athenaClientFor,
  MOTO_SDK_ENV,
  queueAthenaResults,
  s3ClientFor,
  claimMoto,
  type Moto,
} from '../support/moto.ts';
import { kvsOf, loadSiteRouter, type ViewerRequest } from '../support/site-router.ts';

const EARLIER = '2000-01';
const BUCKET = 'publish-site';

let work: string;
let moto: Moto;
let s3: S3Client;
/** Site A, release 2026-02, built from the fixture lake into a folder. */
let siteA: string;
let filesA: string[];

const filesOf = async (dir: string): Promise<string[]> =>
  (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort();

/** The fixture lake with one value changed, so the site built from it differs from A's. */
async function changedLake(name: string): Promise<FolderObjectStore> {
  const lake = fixtureLake();
  lake.tradeFlows.find((f) => f.hs6 === '280530' && f.year === 2024 && f.partner_iso3 === 'CHN')!.value_usd = 9_000_000;
  const store = new FolderObjectStore(join(work, name));
  await writeFixtureLake(store, lake);
  return store;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'chainwatch-publish-'));
  const lake = new FolderObjectStore(join(work, 'lake'));
  await writeFixtureLake(lake);
  siteA = join(work, 'site-a');
  await buildInto({ store: lake, outDir: siteA, builtAt: new Date('2026-02-01T00:00:00Z') });
  filesA = await filesOf(siteA);
  moto = await claimMoto();
  s3 = s3ClientFor(moto.endpoint);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
});

afterAll(async () => {
  s3?.destroy();
  await moto?.stop();
  await rm(work, { recursive: true, force: true });
});

describe('publishSite on S3: write a whole build, switch the pointer, then clean up', () => {
  // The site store and, outside it, the pointer object (a site store's clean-up owns every key in it).
  let store: S3ObjectStore;
  let pointer: StoreSitePointer;
  let buildA: string;
  let buildB: string;
  const text = async (key: string) => new TextDecoder().decode(await store.get(key));
  const contentType = async (key: string) =>
    (await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: `site/${key}` }))).ContentType;

  beforeAll(() => {
    store = new S3ObjectStore({ bucket: BUCKET, prefix: 'site/', client: s3 });
    pointer = new StoreSitePointer(
      new S3ObjectStore({ bucket: BUCKET, prefix: 'pointer/', client: s3 }),
      'current.json',
    );
  });

  it('takes over a site published at the bucket root: the whole site in a new build, earlier releases carried, the root kept for now', async () => {
    // The layout before builds: the site at the root, an earlier release, and a page the month being rebuilt no longer has.
    await store.put('index.html', 'the root-layout site');
    await store.put('releases/2025-12/index.html', 'an earlier release');
    await store.put('releases/2026-02/products/000000.html', 'gone from the month being rebuilt');

    const summary = await publishSite(new FolderObjectStore(siteA), store, pointer);
    buildA = summary.build;
    expect(summary).toEqual({
      build: buildA,
      switched: true,
      uploaded: filesA.length,
      unchanged: 0,
      carried: 1,
      deleted: 0,
    });
    expect((await pointer.read()).builds).toEqual({ current: buildA });
    const build = liveSite(store, await pointer.read());
    expect(await build.list('')).toEqual([...filesA, 'releases/2025-12/index.html'].sort());
    // Beside the build, out of readers' reach: the digests the next publish carries earlier releases by.
    expect(await store.exists(manifestKey(buildA))).toBe(true);
    // Byte for byte (Buffer.equals: the SQL console's WebAssembly is tens of MB, too long for a deep compare).
    for (const f of filesA)
      expect(Buffer.from((await build.get(f))!).equals(await readFile(join(siteA, f))), f).toBe(true);
    expect(await build.get('releases/2025-12/index.html')).toEqual(new TextEncoder().encode('an earlier release'));
    expect(await contentType(`${buildPrefix(buildA)}index.html`)).toBe('text/html; charset=utf-8');
    expect(await contentType(`${buildPrefix(buildA)}assets/site.css`)).toBe('text/css; charset=utf-8');
    expect(await contentType(`${buildPrefix(buildA)}data/product-280530-partners.csv`)).toBe('text/csv; charset=utf-8');
    expect(await contentType(`${buildPrefix(buildA)}alerts.xml`)).toBe('application/atom+xml; charset=utf-8');
    expect(await contentType(`${buildPrefix(buildA)}sql/metrics/concentration.sql`)).toBe('text/plain; charset=utf-8');
    // Edges that have not seen the switch yet still read the root layout: it stays until the next switch.
    expect(await text('index.html')).toBe('the root-layout site');
  });

  it('switches nothing when the same site is published again', async () => {
    const before = await store.list('');
    const summary = await publishSite(new FolderObjectStore(siteA), store, pointer);
    expect(summary).toEqual({ build: buildA, switched: false, uploaded: 0, unchanged: 0, carried: 1, deleted: 0 });
    expect(await store.list('')).toEqual(before);
  });

  it('publishes the next release beside it, keeps the replaced build for rollback, and removes the root layout', async () => {
    const siteB = join(work, 'site-b');
    const live = await pointer.read();
    await buildInto({
      store: await changedLake('lake-b'),
      outDir: siteB,
      releaseMonth: '2026-03',
      builtAt: new Date('2026-03-01T00:00:00Z'),
      archive: liveSite(store, live),
    });
    const summary = await publishSite(new FolderObjectStore(siteB), store, pointer, { live });
    buildB = summary.build;
    const carried = [...filesA.filter((f) => f.startsWith('releases/2026-02/')), 'releases/2025-12/index.html'].sort();
    expect(summary).toMatchObject({ switched: true, carried: carried.length });
    // What B has byte for byte as A had it at the same path (the SQL console's WebAssembly among them) is
    // copied inside the bucket; only the rest is uploaded.
    const filesB = await filesOf(siteB);
    const sameAsA = [];
    for (const f of filesB)
      if (filesA.includes(f) && (await readFile(join(siteB, f))).equals(await readFile(join(siteA, f))))
        sameAsA.push(f);
    expect(sameAsA).toContain('console/duckdb-eh.wasm');
    expect(summary.unchanged).toBe(sameAsA.length);
    expect(summary.uploaded).toBe(filesB.length - sameAsA.length);
    for (const f of ['console/duckdb-eh.wasm', 'index.html'])
      expect(Buffer.from((await store.get(buildPrefix(buildB) + f))!).equals(await readFile(join(siteB, f))), f).toBe(
        true,
      );
    expect((await pointer.read()).builds).toEqual({ current: buildB, previous: buildA });
    // Only the two builds (and their manifests) are left; earlier releases are carried byte for byte.
    expect(
      new Set(
        (await store.list('')).map((k) =>
          k
            .split('/')
            .slice(0, 2)
            .join('/')
            .replace(/\.manifest\.json$/, ''),
        ),
      ),
    ).toEqual(new Set([`builds/${buildA}`, `builds/${buildB}`]));
    for (const key of carried)
      expect(
        Buffer.from((await store.get(buildPrefix(buildB) + key))!).equals(
          (await store.get(buildPrefix(buildA) + key))!,
        ),
        key,
      ).toBe(true);
    expect(summary.deleted).toBe(3);
    const changes = await text(`${buildPrefix(buildB)}latest/changes.html`);
    expect(changes).toContain('Compared with release 2026-02');
  });

  it('removes a crashed publish’s partial build, and the build two switches back', async () => {
    const crashed = `${buildPrefix('00000000deadbeef')}index.html`;
    await store.put(crashed, 'half of a build that was never switched in');
    // Site A published again on top of B: its own month and B's 2026-03 make a third build.
    const summary = await publishSite(new FolderObjectStore(siteA), store, pointer);
    expect(summary.build).not.toBe(buildA);
    expect((await pointer.read()).builds).toEqual({ current: summary.build, previous: buildB });
    expect(await store.exists(crashed)).toBe(false);
    expect(await store.list(buildPrefix(buildA))).toEqual([]);
    expect((await store.list(buildPrefix(buildB))).length).toBeGreaterThan(0);
  });

  it('refuses to switch when the pointer moved after the publish read it, leaving the pointer as it was moved', async () => {
    const live = await pointer.read();
    // An operator rolls back meanwhile.
    const rollback = { current: live.builds!.previous!, previous: live.builds!.current };
    await pointer.switch(rollback, live.version);
    const error = await publishSite(new FolderObjectStore(join(work, 'site-b')), store, pointer, { live }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).message).toMatch(/moved while this publish ran/);
    expect((await pointer.read()).builds).toEqual(rollback);
  });
});

describe('KvsSitePointer: the CloudFront KeyValueStore', () => {
  const A = '0123456789abcdef';
  const B = 'fedcba9876543210';

  it('reads no build before the first publish, and switches with one signed UpdateKeys call carrying the ETag it read', async () => {
    const kvs = new KvsStandIn();
    const pointer = new KvsSitePointer(KVS_ARN, kvs.client());
    const state = await pointer.read();
    expect(state).toEqual({ builds: undefined, version: 'KV0' });
    const path = `/key-value-stores/${encodeURIComponent(KVS_ARN)}`;
    expect(kvs.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET ${path}`,
      `GET ${path}/keys/current`,
      `GET ${path}/keys/previous`,
    ]);

    await pointer.switch({ current: A }, state.version);
    const update = kvs.requests.at(-1)!;
    expect(update).toMatchObject({
      method: 'POST',
      host: '123456789012.cloudfront-kvs.global.api.aws',
      path: `${path}/keys`,
    });
    expect(update.headers['if-match']).toBe('KV0');
    expect(JSON.parse(update.body)).toEqual({ Puts: [{ Key: 'current', Value: A }] });
    // The KeyValueStore API takes only SigV4A signatures, valid in every region.
    expect(update.headers.authorization).toMatch(
      /^AWS4-ECDSA-P256-SHA256 Credential=testing\/\d{8}\/cloudfront-keyvaluestore\/aws4_request, SignedHeaders=[^ ]*if-match/,
    );
    expect(update.headers['x-amz-region-set']).toBe('*');

    const next = await pointer.read();
    expect(next).toEqual({ builds: { current: A }, version: 'KV1' });
    await pointer.switch({ current: B, previous: A }, next.version);
    expect(Object.fromEntries(kvs.items)).toEqual({ [POINTER_KEYS.current]: B, [POINTER_KEYS.previous]: A });
    expect(kvs.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
  });

  it('refuses to switch when the store was written after it was read', async () => {
    const kvs = new KvsStandIn();
    const pointer = new KvsSitePointer(KVS_ARN, kvs.client());
    const state = await pointer.read();
    kvs.put(POINTER_KEYS.current, B);
    const error = await pointer.switch({ current: A }, state.version).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).message).toMatch(/moved while this publish ran/);
    expect(kvs.items.get(POINTER_KEYS.current)).toBe(B);
  });

  it('refuses a pointer value that is not a build id, and says how to repair it', async () => {
    const kvs = new KvsStandIn();
    kvs.put(POINTER_KEYS.current, '../private');
    const error = await new KvsSitePointer(KVS_ARN, kvs.client()).read().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).message).toMatch(/names "\.\.\/private", which is not a build id/);
  });
});

describe('report Lambda handler on S3 and the KeyValueStore', () => {
  const ENV = [
    'LAKE_BUCKET',
    'LAKE_PREFIX',
    'SITE_BUCKET',
    'SITE_PREFIX',
    'SITE_KVS_ARN',
    'AWS_ENDPOINT_URL_S3',
    'AWS_REGION',
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
  ] as const;
  const saved = Object.fromEntries(ENV.map((k) => [k, process.env[k]]));
  const kvs = new KvsStandIn();
  let earlierBuild: string;
  /** moto runs no SQL: the handler asks DuckDB for the rows, over a folder copy of the lake it reads from S3. */
  let engine: DuckDBQueryEngine;

  beforeAll(async () => {
    for (const Bucket of ['report-lake', 'report-site']) await s3.send(new CreateBucketCommand({ Bucket }));
    await writeFixtureLake(new S3ObjectStore({ bucket: 'report-lake', prefix: 'lake/', client: s3 }));
    const copy = new FolderObjectStore(join(work, 'handler-lake'));
    await writeFixtureLake(copy);
    engine = await DuckDBQueryEngine.create({ lakeRoot: copy.root, store: copy });
    // An earlier release already published as a build: built from a lake where one value differed.
    await buildInto({
      store: await changedLake('earlier-lake'),
      outDir: join(work, 'earlier-site'),
      releaseMonth: EARLIER,
    });
    const site = new S3ObjectStore({ bucket: 'report-site', client: s3 });
    earlierBuild = (
      await publishSite(
        new FolderObjectStore(join(work, 'earlier-site')),
        site,
        new KvsSitePointer(KVS_ARN, kvs.client()),
      )
    ).build;
    // A page of the layout before builds, left at the bucket root.
    await s3.send(new PutObjectCommand({ Bucket: 'report-site', Key: 'products/000000.html', Body: 'gone' }));
    Object.assign(process.env, { AWS_ENDPOINT_URL_S3: moto.endpoint, ...MOTO_SDK_ENV });
  });

  afterAll(async () => {
    await engine?.close();
    for (const k of ENV) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  it('builds this month’s release against the live build, publishes it as a new build and switches the site to it', async () => {
    Object.assign(process.env, {
      LAKE_BUCKET: 'report-lake',
      LAKE_PREFIX: 'lake/',
      SITE_BUCKET: 'report-site',
      SITE_KVS_ARN: KVS_ARN,
    });
    const bucket = new S3ObjectStore({ bucket: 'report-site', client: s3 });
    const earlier = await bucket.list(`${buildPrefix(earlierBuild)}releases/${EARLIER}/`);
    const month = new Date().toISOString().slice(0, 7);
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const workDir = join(work, 'handler-build');
    const summary = await publishReport({ kvsClient: kvs.client(), engine, workDir });
    log.mockRestore();
    const built = await filesOf(join(workDir, 'site'));
    expect(summary).toMatchObject({
      release: month,
      pages: filesA.filter((f) => f.endsWith('.html') && !f.startsWith('latest/') && !f.startsWith('releases/')).length,
      switched: true,
      carried: earlier.length,
      deleted: 1,
    });
    // Every built file is in the new build: uploaded, or copied where the earlier build had the same bytes.
    expect(summary.uploaded + summary.unchanged).toBe(built.length);
    expect(summary.unchanged).toBeGreaterThan(0);
    expect(Object.fromEntries(kvs.items)).toEqual({ current: summary.build, previous: earlierBuild });

    // A reader, through the distribution's function and the key value store, gets the new build.
    const route = loadSiteRouter(kvsOf(kvs.items));
    const read = async (uri: string) => {
      const { uri: key } = (await route({ request: { uri } })) as ViewerRequest;
      return new TextDecoder().decode(await bucket.get(key.slice(1)));
    };
    const changes = await read('/latest/changes.html');
    expect(changes).toContain(`Compared with release ${EARLIER}`);
    expect(changes).toContain('Rare-earth metals (HS 280530)');
    expect(JSON.parse(await read('/releases/index.json')).releases.map((r: { month: string }) => r.month)).toEqual([
      EARLIER,
      month,
    ]);
    // The earlier release is carried into the new build as it was published.
    for (const key of earlier)
      expect(
        Buffer.from((await bucket.get(key.replace(earlierBuild, summary.build)))!).equals((await bucket.get(key))!),
        key,
      ).toBe(true);
    const head = await s3.send(
      new HeadObjectCommand({ Bucket: 'report-site', Key: `${buildPrefix(summary.build)}products/280530.html` }),
    );
    expect(head.ContentType).toBe('text/html; charset=utf-8');
  });

  it('builds in a folder of its own under the temp folder and removes it when done (a warm Lambda keeps /tmp)', async () => {
    const own = await mkdtemp(join(work, 'tmp-'));
    const restore = setEnv({
      TMPDIR: own,
      LAKE_BUCKET: 'report-lake',
      LAKE_PREFIX: 'lake/',
      SITE_BUCKET: 'report-site',
      SITE_KVS_ARN: KVS_ARN,
    });
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      const summary = await publishReport({ kvsClient: kvs.client(), engine });
      expect(summary.pages).toBeGreaterThan(0);
    } finally {
      log.mockRestore();
      restore();
    }
    expect(await readdir(own)).toEqual([]);
  });

  it('asks Athena, in the workgroup and database its environment names, for every page’s rows', async () => {
    const athena = athenaClientFor(moto.endpoint);
    await athena.send(new CreateWorkGroupCommand({ Name: 'chainwatch-test-pipeline', Configuration: {} }));
    // moto runs no SQL: the first query (which tables have rows) gets a canned answer, an empty lake.
    const tables = ['sources', 'basket', 'trade_flows', 'supplier_shares', 'concentration', 'dependency'];
    await queueAthenaResults(moto.endpoint, [
      {
        column_info: tables.map((Name) => ({ Name, Label: Name, Type: 'boolean' })),
        rows: [
          { Data: tables.map((t) => ({ VarCharValue: t })) },
          { Data: tables.map(() => ({ VarCharValue: 'false' })) },
        ],
      },
    ]);
    const before = Object.fromEntries(kvs.items);
    const restore = setEnv({
      LAKE_BUCKET: 'report-lake',
      LAKE_PREFIX: 'lake/',
      SITE_BUCKET: 'report-site',
      SITE_KVS_ARN: KVS_ARN,
      ATHENA_WORKGROUP: 'chainwatch-test-pipeline',
      GLUE_DATABASE: 'chainwatch_test',
      AWS_ENDPOINT_URL_ATHENA: moto.endpoint,
    });
    try {
      const error = await publishReport({ kvsClient: kvs.client() }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).message).toMatch(`has no rows in ${tables.join(', ')}`);
    } finally {
      restore();
    }
    const ids = (await athena.send(new ListQueryExecutionsCommand({ WorkGroup: 'chainwatch-test-pipeline' })))
      .QueryExecutionIds!;
    const [execution] = await Promise.all(
      ids.map(
        async (QueryExecutionId) =>
          (await athena.send(new GetQueryExecutionCommand({ QueryExecutionId }))).QueryExecution!,
      ),
    );
    expect(ids).toHaveLength(1);
    expect(execution.Query).toBe(reportSqlFiles().get('site_tables')!.sql);
    expect(execution.QueryExecutionContext?.Database).toBe('chainwatch_test');
    expect(Object.fromEntries(kvs.items)).toEqual(before);
    athena.destroy();
  });

  it('says which variable is missing', async () => {
    delete process.env.SITE_KVS_ARN;
    const error = await publishReport({ kvsClient: kvs.client() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toBe('Environment variable SITE_KVS_ARN is not set');
  });
});
