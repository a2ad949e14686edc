/**
 * Publishing a built site to a store, and the report Lambda handler end to end on moto S3: lake
 * bucket in, site bucket out, configured only by environment as Lambda runs it.
 */
import { CreateBucketCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { handler } from '../lambdas/report/handler.ts';
import { buildSite } from '../reports/build-site.ts';
import { publishSite } from '../reports/publish-site.ts';
import { UsageError } from '../src/errors.ts';
import { FolderObjectStore } from '../src/store/folder-store.ts';
import { S3ObjectStore } from '../src/store/s3-store.ts';
import { fixtureLake, writeFixtureLake } from './fixtures/report/fixture-lake.ts';

const EARLIER = '2000-01';
import { s3ClientFor, startMoto, type Moto } from './support/moto.ts';

let work: string;
let site: string;
let siteFiles: string[];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'chainwatch-publish-'));
  const lake = new FolderObjectStore(join(work, 'lake'));
  await writeFixtureLake(lake);
  site = join(work, 'site');
  await buildSite({ store: lake, outDir: site, builtAt: new Date('2026-02-01T00:00:00Z') });
  const entries = await readdir(site, { recursive: true, withFileTypes: true });
  siteFiles = entries.filter((e) => e.isFile()).map((e) => relative(site, join(e.parentPath, e.name)).split(sep).join('/')).sort();
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** The real folder store, noting the order and content type of every write. */
class RecordingStore extends FolderObjectStore {
  readonly puts: { key: string; contentType?: string }[] = [];
  override async put(key: string, body: Uint8Array | string, contentType?: string): Promise<void> {
    await super.put(key, body);
    this.puts.push({ key, contentType });
  }
}

describe('publishSite', () => {
  it('uploads every file, downloads before pages and index.html last, then removes what the site no longer has', async () => {
    const store = new RecordingStore(join(work, 'bucket'));
    await store.put('products/000000.html', 'a product that is gone');
    await store.put('data/old-chart.csv', 'year\n');
    await store.put('releases/2026-02/products/000000.html', 'gone from the month being rebuilt');
    // An earlier month's release is not this build's: it stays published as it is.
    await store.put('releases/2025-12/index.html', 'an earlier release');
    store.puts.length = 0;

    const summary = await publishSite(site, store);

    expect(summary).toEqual({ uploaded: siteFiles.length, deleted: 3 });
    expect(store.puts.map((p) => p.key).sort()).toEqual(siteFiles);
    expect(await store.list('')).toEqual([...siteFiles, 'releases/2025-12/index.html'].sort());
    await store.delete(['releases/2025-12/index.html']);
    for (const f of siteFiles) expect(await store.get(f), f).toEqual(new Uint8Array(await readFile(join(site, f))));
    const order = store.puts.map((p) => p.key);
    expect(order.at(-1)).toBe('index.html');
    const firstPage = order.findIndex((k) => k.endsWith('.html'));
    expect(order.slice(firstPage).every((k) => k.endsWith('.html'))).toBe(true);
    const type = (key: string) => store.puts.find((p) => p.key === key)?.contentType;
    expect(type('index.html')).toBe('text/html; charset=utf-8');
    expect(type('assets/site.css')).toBe('text/css; charset=utf-8');
    expect(type('data/product-280530-partners.csv')).toBe('text/csv; charset=utf-8');
    expect(type('data/product-280530-partners.vl.json')).toBe('application/json');
    expect(type('alerts.xml')).toBe('application/atom+xml; charset=utf-8');
    expect(type('sql/metrics/concentration.sql')).toBe('text/plain; charset=utf-8');
  });
});

describe('report Lambda handler on S3', () => {
  const ENV = ['LAKE_BUCKET', 'LAKE_PREFIX', 'SITE_BUCKET', 'SITE_PREFIX', 'AWS_ENDPOINT_URL_S3', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'] as const;
  const saved = Object.fromEntries(ENV.map((k) => [k, process.env[k]]));
  let moto: Moto;
  let s3: S3Client;

  beforeAll(async () => {
    moto = await startMoto();
    s3 = s3ClientFor(moto.endpoint);
    for (const Bucket of ['report-lake', 'report-site']) await s3.send(new CreateBucketCommand({ Bucket }));
    await writeFixtureLake(new S3ObjectStore({ bucket: 'report-lake', prefix: 'lake/', client: s3 }));
    // An earlier release already published: built from a lake where one value differed.
    const earlierLake = fixtureLake();
    earlierLake.tradeFlows.find((f) => f.hs6 === '280530' && f.year === 2024 && f.partner_iso3 === 'CHN')!.value_usd = 9_000_000;
    const earlierStore = new FolderObjectStore(join(work, 'earlier-lake'));
    await writeFixtureLake(earlierStore, earlierLake);
    await buildSite({ store: earlierStore, outDir: join(work, 'earlier-site'), releaseMonth: EARLIER });
    await publishSite(join(work, 'earlier-site'), new S3ObjectStore({ bucket: 'report-site', client: s3 }));
    await s3.send(new PutObjectCommand({ Bucket: 'report-site', Key: 'products/000000.html', Body: 'gone' }));
    Object.assign(process.env, { AWS_ENDPOINT_URL_S3: moto.endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' });
  });

  afterAll(async () => {
    await rm(join(tmpdir(), 'chainwatch-site'), { recursive: true, force: true }); // the handler's build folder
    for (const k of ENV) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    s3?.destroy();
    await moto?.stop();
  });

  it('builds this month’s release from the lake bucket, compares it with the release in the site bucket, and publishes it beside it', async () => {
    Object.assign(process.env, { LAKE_BUCKET: 'report-lake', LAKE_PREFIX: 'lake/', SITE_BUCKET: 'report-site' });
    const bucket = new S3ObjectStore({ bucket: 'report-site', client: s3 });
    const earlier = await bucket.list(`releases/${EARLIER}/`);
    const earlierIndex = await bucket.get(`releases/${EARLIER}/index.html`);
    const month = new Date().toISOString().slice(0, 7);
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const summary = await handler();
    log.mockRestore();
    const local = join(tmpdir(), 'chainwatch-site');
    const built = (await readdir(local, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => relative(local, join(e.parentPath, e.name)).split(sep).join('/'));
    expect(summary).toMatchObject({ release: month, pages: siteFiles.filter((f) => f.endsWith('.html') && !f.startsWith('latest/') && !f.startsWith('releases/')).length, uploaded: built.length, deleted: 1 });
    const published = await bucket.list('');
    expect(published).toEqual([...built, ...earlier].sort());
    // The earlier release is untouched; the new one says what changed since it.
    expect(await bucket.get(`releases/${EARLIER}/index.html`)).toEqual(earlierIndex);
    const changes = new TextDecoder().decode(await bucket.get('latest/changes.html'));
    expect(changes).toContain(`Compared with release ${EARLIER}`);
    expect(changes).toContain('Rare-earth metals (HS 280530)');
    expect(JSON.parse(new TextDecoder().decode(await bucket.get('releases/index.json'))).releases.map((r: { month: string }) => r.month)).toEqual([EARLIER, month]);
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'report-site', Key: 'products/280530.html' }));
    expect(head.ContentType).toBe('text/html; charset=utf-8');
  });

  it('says which variable is missing', async () => {
    delete process.env.SITE_BUCKET;
    const error = await handler().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toBe('Environment variable SITE_BUCKET is not set');
  });
});
