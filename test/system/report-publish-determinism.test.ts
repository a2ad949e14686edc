/**
 * Deterministic, cheap publishing against a real S3 API (moto_server): the same lake builds the same
 * site whatever the clock says, so its second publish has the same build id and sends nothing; the
 * next month's publish copies the earlier releases inside the bucket (CopyObject) instead of reading
 * them through the process. Every S3 request of each publish is counted at the SDK client.
 */
import { CreateBucketCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';
import { S3ObjectStore } from '../../src/adapters/s3-store/s3-store.ts';
import { liveSite, manifestKey, publishSite } from '../../src/core/report/publish-site.ts';
import { buildPrefix, StoreSitePointer } from '../../src/core/seams/site-pointer.ts';
import { fixtureLake, writeFixtureLake } from '../fixtures/report/fixture-lake.ts';
import { buildInto } from '../support/build-into.ts';
import { s3ClientFor, claimMoto, type Moto } from '../support/moto.ts';

const BUCKET = 'publish-determinism';

let work: string;
let moto: Moto;
let s3: S3Client;
let lake: FolderObjectStore;
/** Every S3 command the client sent while `recording`, as "<command> <key>". */
let requests: string[] = [];
let recording = false;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'chainwatch-determinism-'));
  lake = new FolderObjectStore(join(work, 'lake'));
  await writeFixtureLake(lake);
  moto = await claimMoto();
  s3 = s3ClientFor(moto.endpoint);
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      if (recording)
        requests.push(
          `${(context.commandName ?? '').replace(/Command$/, '')} ${(args.input as { Key?: string }).Key ?? ''}`.trim(),
        );
      return next(args);
    },
    { step: 'initialize', name: 'countRequests' },
  );
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
});

afterAll(async () => {
  s3?.destroy();
  await moto?.stop();
  await rm(work, { recursive: true, force: true });
});

/** Run `fn` and return the S3 requests it made. */
async function counted<T>(fn: () => Promise<T>): Promise<{ result: T; requests: string[] }> {
  requests = [];
  recording = true;
  try {
    return { result: await fn(), requests };
  } finally {
    recording = false;
  }
}
const named = (list: string[], command: string) => list.filter((r) => r.startsWith(`${command} `) || r === command);

describe('publishing the same lake twice, then the next month', () => {
  const store = () => new S3ObjectStore({ bucket: BUCKET, prefix: 'site/', client: s3 });
  const pointer = () =>
    new StoreSitePointer(new S3ObjectStore({ bucket: BUCKET, prefix: 'pointer/', client: s3 }), 'current.json');
  let first: string;

  it('gives two builds of one lake, at different times of the month, one build id; the second publish uploads and copies nothing', async () => {
    const earlyInMonth = join(work, 'site-early');
    const lateInMonth = join(work, 'site-late');
    await buildInto({ store: lake, outDir: earlyInMonth, builtAt: new Date('2026-02-01T00:00:01Z') });
    const one = await counted(() => publishSite(new FolderObjectStore(earlyInMonth), store(), pointer()));
    first = one.result.build;
    expect(one.result).toMatchObject({ switched: true, carried: 0 });
    expect(one.result.uploaded).toBeGreaterThan(100);
    expect(named(one.requests, 'PutObject').length).toBeGreaterThan(one.result.uploaded);

    // Same lake, three weeks later, built against the live site as the report Lambda does.
    await buildInto({
      store: lake,
      outDir: lateInMonth,
      builtAt: new Date('2026-02-22T17:45:00Z'),
      archive: liveSite(store(), await pointer().read()),
    });
    const two = await counted(() => publishSite(new FolderObjectStore(lateInMonth), store(), pointer()));
    expect(two.result).toEqual({ build: first, switched: false, uploaded: 0, unchanged: 0, carried: 0, deleted: 0 });
    const writes = two.requests.filter((r) =>
      /^(PutObject|CopyObject|CreateMultipartUpload|UploadPart|DeleteObjects)\b/.test(r),
    );
    expect(writes).toEqual([]);
  });

  it('copies the earlier release, and this month’s files the live build has byte for byte, into the next month’s build inside the bucket: no GetObject of them, one CopyObject per file', async () => {
    const next = join(work, 'site-march');
    const changed = fixtureLake();
    changed.tradeFlows.find((f) => f.hs6 === '280530' && f.year === 2024 && f.partner_iso3 === 'CHN')!.value_usd =
      9_000_000;
    const marchLake = new FolderObjectStore(join(work, 'lake-march'));
    await writeFixtureLake(marchLake, changed);
    const live = await pointer().read();
    await buildInto({
      store: marchLake,
      outDir: next,
      releaseMonth: '2026-03',
      builtAt: new Date('2026-03-03T06:00:00Z'),
      archive: liveSite(store(), live),
    });
    const earlier = (await liveSite(store(), live).list('releases/2026-02/')).sort();
    expect(earlier.length).toBeGreaterThan(50);

    const three = await counted(() => publishSite(new FolderObjectStore(next), store(), pointer(), { live }));
    expect(three.result).toMatchObject({ switched: true, carried: earlier.length });
    // The one site object read: the live build's manifest (the pointer's own object is read to switch it).
    // Not one file of the earlier release passes through.
    expect(named(three.requests, 'GetObject').filter((r) => r.startsWith('GetObject site/'))).toEqual([
      `GetObject site/${manifestKey(first)}`,
    ]);
    // This month's files that the live build (February's, built from site-early) has at the same path with the same
    // bytes: the SQL console, the stylesheet, the pages the changed value does not reach.
    const unchanged = [];
    for (const key of await new FolderObjectStore(next).list('')) {
      const before = await readFile(join(work, 'site-early', key)).catch(() => undefined);
      if (before?.equals(await readFile(join(next, key)))) unchanged.push(key);
    }
    expect(unchanged).toContain('console/duckdb-eh.wasm');
    expect(three.result).toMatchObject({ unchanged: unchanged.length });
    const copies = named(three.requests, 'CopyObject');
    expect(copies.map((r) => r.replace(`CopyObject site/${buildPrefix(three.result.build)}`, '')).sort()).toEqual(
      [...earlier, ...unchanged].sort(),
    );
    expect(named(three.requests, 'PutObject').filter((r) => r.endsWith('.wasm'))).toEqual([]);
    // Byte for byte, with the content type they were published with.
    const built = store();
    for (const key of earlier)
      expect(await built.get(buildPrefix(three.result.build) + key), key).toEqual(
        await built.get(buildPrefix(first) + key),
      );
    const head = await s3.send(
      new HeadObjectCommand({
        Bucket: BUCKET,
        Key: `site/${buildPrefix(three.result.build)}releases/2026-02/index.html`,
      }),
    );
    expect(head.ContentType).toBe('text/html; charset=utf-8');
    const wasm = await s3.send(
      new HeadObjectCommand({ Bucket: BUCKET, Key: `site/${buildPrefix(three.result.build)}console/duckdb-eh.wasm` }),
    );
    expect(wasm.ContentType).toBe('application/wasm');
  });
});
