/**
 * One contract for the object-store seam, run unchanged against the local folder and against
 * S3 (moto_server on loopback): whatever the pipeline does with one store it can do with the other.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { StoreError } from '../../src/core/errors.ts';
import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';
import { getJson, putJson, textOf, type ObjectStore } from '../../src/core/seams/object-store.ts';
import { S3ObjectStore } from '../../src/adapters/s3-store/s3-store.ts';
import { s3ClientFor, claimMoto } from '../support/moto.ts';

interface StoreFixture {
  /** A fresh, empty store for one test. */
  make(): Promise<ObjectStore>;
  teardown(): Promise<void>;
}

async function folderFixture(): Promise<StoreFixture> {
  const root = await mkdtemp(join(tmpdir(), 'chainwatch-store-'));
  let n = 0;
  return {
    make: async () => new FolderObjectStore(join(root, `t${n++}`)),
    teardown: () => rm(root, { recursive: true, force: true }),
  };
}

async function s3Fixture(): Promise<StoreFixture> {
  const moto = await claimMoto();
  const client = s3ClientFor(moto.endpoint);
  await client.send(new CreateBucketCommand({ Bucket: 'contract-lake' }));
  let n = 0;
  return {
    // Every test gets its own prefix in one shared bucket, which also proves prefixes isolate stores.
    make: async () => new S3ObjectStore({ bucket: 'contract-lake', prefix: `run ${n++}/lake`, client }),
    teardown: async () => {
      client.destroy();
      await moto.stop();
    },
  };
}

const bytes = (s: string) => new TextEncoder().encode(s);

describe.each([
  { name: 'FolderObjectStore', fixture: folderFixture },
  { name: 'S3ObjectStore on moto_server', fixture: s3Fixture },
])('ObjectStore contract: $name', ({ fixture }) => {
  let env: StoreFixture;
  let store: ObjectStore;
  beforeAll(async () => {
    env = await fixture();
  });
  afterAll(async () => {
    await env?.teardown();
  });
  beforeEach(async () => {
    store = await env.make();
  });

  it('has a location ending in /', () => {
    expect(store.location.endsWith('/')).toBe(true);
  });

  it('round-trips strings as UTF-8 and bytes unchanged', async () => {
    await store.put('raw/a.txt', 'héllo 中文 🚢', 'text/plain');
    expect(textOf((await store.get('raw/a.txt'))!)).toBe('héllo 中文 🚢');

    const everyByte = Uint8Array.from({ length: 256 }, (_, i) => i);
    await store.put('raw/bytes.bin', everyByte);
    const back = await store.get('raw/bytes.bin');
    expect(back).toBeInstanceOf(Uint8Array);
    expect([...back!]).toEqual([...everyByte]);
  });

  it('round-trips a body larger than one multipart part', async () => {
    const big = new Uint8Array(randomBytes(6 * 1024 * 1024 + 123));
    await store.put('raw/big.bin', big, 'application/octet-stream');
    const back = (await store.get('raw/big.bin'))!;
    expect(back.byteLength).toBe(big.byteLength);
    expect(Buffer.compare(Buffer.from(back), Buffer.from(big))).toBe(0);
  });

  it('returns undefined / false for missing keys', async () => {
    expect(await store.get('nope/missing.json')).toBeUndefined();
    expect(await store.exists('nope/missing.json')).toBe(false);
    expect(await getJson(store, 'nope/missing.json')).toBeUndefined();
  });

  it('stamps an object: the same until its bytes are replaced, undefined when it is missing', async () => {
    expect(await store.stamp!('s/x.parquet')).toBeUndefined();
    await store.put('s/x.parquet', 'first');
    const first = await store.stamp!('s/x.parquet');
    expect(first).toEqual(expect.any(String));
    expect(await store.stamp!('s/x.parquet')).toBe(first);
    // Same length, other bytes: a size alone would not tell.
    await new Promise((resolve) => setTimeout(resolve, 5));
    await store.put('s/x.parquet', 'fresh');
    expect(await store.stamp!('s/x.parquet')).not.toBe(first);
  });

  it('copies an object inside the store, bytes and content type, over an existing key too; a missing source is a StoreError', async () => {
    const everyByte = Uint8Array.from({ length: 256 }, (_, i) => i);
    await store.put('builds/a/releases/2026-01/data x+y.bin', everyByte, 'application/octet-stream');
    await store.put('builds/b/releases/2026-01/data x+y.bin', 'to be replaced');
    await store.copy('builds/a/releases/2026-01/data x+y.bin', 'builds/b/releases/2026-01/data x+y.bin');
    expect([...(await store.get('builds/b/releases/2026-01/data x+y.bin'))!]).toEqual([...everyByte]);
    expect([...(await store.get('builds/a/releases/2026-01/data x+y.bin'))!]).toEqual([...everyByte]);
    await expect(store.copy('builds/a/missing.html', 'builds/b/missing.html')).rejects.toThrow(StoreError);
    expect(await store.exists('builds/b/missing.html')).toBe(false);
    // A copy is its own object (the folder store links the file): replacing or deleting the source leaves it.
    await store.put('builds/a/releases/2026-01/data x+y.bin', 'replaced');
    await store.delete(['builds/a/releases/2026-01/data x+y.bin']);
    expect([...(await store.get('builds/b/releases/2026-01/data x+y.bin'))!]).toEqual([...everyByte]);
  });

  it('overwrites a key in place', async () => {
    await store.put('_runs/r.json', 'first');
    await store.put('_runs/r.json', 'second, longer body');
    expect(textOf((await store.get('_runs/r.json'))!)).toBe('second, longer body');
    expect(await store.list('_runs/')).toEqual(['_runs/r.json']);
  });

  it('lists keys under a prefix, nested, relative to the store and sorted', async () => {
    const keys = [
      'curated/trade_flows/source=bundled/year=2024/month=0/part-00000.parquet',
      'curated/trade_flows/source=bundled/year=2023/month=0/part-00000.parquet',
      'curated/production/sector=chips/part-00000.parquet',
      'curated/trade/x.parquet',
      'metrics/concentration/part-00000.parquet',
      '_runs/b.json',
    ];
    for (const k of keys) await store.put(k, k);

    expect(await store.list('')).toEqual([...keys].sort());
    expect(await store.list('curated/trade_flows/')).toEqual([keys[1], keys[0]]);
    // A prefix is a string prefix, not a folder: `curated/trade` also matches `curated/trade_flows/…`.
    expect(await store.list('curated/trade')).toEqual([keys[3], keys[1], keys[0]]);
    expect(await store.list('curated/trade_flows/source=bundled/year=2024/')).toEqual([keys[0]]);
    expect(await store.list('nothing/here/')).toEqual([]);
  });

  it('handles keys with =, spaces and unicode', async () => {
    const keys = [
      'raw/src/2024-01-01/file name with spaces.csv',
      'curated/t/geo=Côte d’Ivoire/part-00000.parquet',
      'raw/中文/🚢=1.txt',
    ];
    for (const k of keys) await store.put(k, `body of ${k}`);
    for (const k of keys) {
      expect(await store.exists(k)).toBe(true);
      expect(textOf((await store.get(k))!)).toBe(`body of ${k}`);
    }
    expect(await store.list('')).toEqual([...keys].sort());
    expect(await store.list('curated/t/geo=Côte')).toEqual([keys[1]]);
    await store.delete(keys);
    expect(await store.list('')).toEqual([]);
  });

  it('deletes the given keys only, ignores missing ones and accepts an empty list', async () => {
    await store.put('a/1', '1');
    await store.put('a/2', '2');
    await store.put('b/1', '3');
    await store.delete(['a/1', 'a/does-not-exist']);
    await store.delete([]);
    expect(await store.list('')).toEqual(['a/2', 'b/1']);
    expect(await store.exists('a/1')).toBe(false);
    expect(await store.exists('a/2')).toBe(true);
  });

  it('deletes more keys than one DeleteObjects batch takes', async () => {
    const keys = Array.from({ length: 1003 }, (_, i) => `quarantine/s/run/${String(i).padStart(4, '0')}.jsonl`);
    for (let i = 0; i < keys.length; i += 50) {
      await Promise.all(keys.slice(i, i + 50).map((k) => store.put(k, 'x')));
    }
    await store.put('quarantine/keep.txt', 'keep');
    expect((await store.list('quarantine/s/')).length).toBe(1003);
    await store.delete(keys);
    expect(await store.list('quarantine/')).toEqual(['quarantine/keep.txt']);
  });

  it('round-trips JSON through getJson/putJson', async () => {
    const manifest = { runId: 'r1', tables: { trade_flows: 12 }, ok: true, note: null };
    await putJson(store, '_runs/r1.json', manifest);
    expect(await getJson(store, '_runs/r1.json')).toEqual(manifest);
  });

  it('rejects absolute keys and keys with ".." with a StoreError', async () => {
    await expect(store.put('/abs/key', 'x')).rejects.toBeInstanceOf(StoreError);
    await expect(store.get('a/../b')).rejects.toBeInstanceOf(StoreError);
  });

  it('stores exactly the bytes given, with no transcoding', async () => {
    const body = bytes('a,b\r\n1,"x"\n');
    await store.put('raw/s/d/f.csv', body, 'text/csv');
    expect([...(await store.get('raw/s/d/f.csv'))!]).toEqual([...body]);
  });

  it('lists its top-level names: a lake is told from any other folder without listing it all', async () => {
    expect(await store.topLevel!()).toEqual([]);
    await store.put('curated/t/x=1/part-00000.parquet', 'p');
    await store.put('_runs/r1.json', '{}');
    await store.put('notes.txt', 'mine');
    expect(await store.topLevel!()).toEqual(['_runs', 'curated', 'notes.txt']);
  });

  it('writes conditionally: create only when absent, replace and delete only at the version read', async () => {
    const v1 = await store.putIfAbsent!('_lease/writer.json', '{"id":"a"}');
    expect(v1).toBeTruthy();
    expect(await store.putIfAbsent!('_lease/writer.json', '{"id":"b"}')).toBeUndefined();
    const read = (await store.getVersioned!('_lease/writer.json'))!;
    expect(textOf(read.body)).toBe('{"id":"a"}');
    expect(read.version).toBe(v1);
    const v2 = await store.replaceIf!('_lease/writer.json', '{"id":"c"}', v1!);
    expect(v2).toBeTruthy();
    expect(v2).not.toBe(v1);
    expect(await store.replaceIf!('_lease/writer.json', '{"id":"d"}', v1!)).toBeUndefined();
    expect(await store.deleteIf!('_lease/writer.json', v1!)).toBe(false);
    expect(textOf((await store.get('_lease/writer.json'))!)).toBe('{"id":"c"}');
    expect(await store.deleteIf!('_lease/writer.json', v2!)).toBe(true);
    expect(await store.exists('_lease/writer.json')).toBe(false);
    expect(await store.getVersioned!('_lease/writer.json')).toBeUndefined();
    expect(await store.replaceIf!('_lease/writer.json', '{"id":"e"}', v2!)).toBeUndefined();
    expect(await store.deleteIf!('_lease/writer.json', v2!)).toBe(false);
  });

  it('of many writers racing to create one object, exactly one does', async () => {
    for (let round = 0; round < 5; round++) {
      const key = `_lease/race-${round}.json`;
      const created = await Promise.all(
        Array.from({ length: 12 }, (_, i) => store.putIfAbsent!(key, JSON.stringify({ writer: i }))),
      );
      expect(created.filter(Boolean)).toHaveLength(1);
      const winner = created.findIndex(Boolean);
      expect(JSON.parse(textOf((await store.get(key))!))).toEqual({ writer: winner });
    }
  });

  it('reads the tail of an object with its whole size (a Parquet footer without the file)', async () => {
    const body = randomBytes(100_000);
    await store.put('metrics/t/v=1/f', body);
    const tail = (await store.readTail!('metrics/t/v=1/f', 1000))!;
    expect(tail.size).toBe(100_000);
    expect(Buffer.from(tail.tail).equals(body.subarray(99_000))).toBe(true);
    // A tail longer than the object is the whole object.
    await store.put('metrics/t/v=1/small', 'abc');
    expect(textOf((await store.readTail!('metrics/t/v=1/small', 1000))!.tail)).toBe('abc');
    expect(await store.readTail!('metrics/t/v=1/missing', 10)).toBeUndefined();
  });

  it('publishes a local file as a stream, byte for byte (putFile)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chainwatch-putfile-'));
    try {
      // Larger than one multipart part (5 MB), so an S3 upload goes in parts.
      const body = randomBytes(6 * 1024 * 1024);
      await writeFile(join(dir, 'big.csv'), body);
      await store.putFile!('raw/bundled/abc/big.csv', join(dir, 'big.csv'));
      expect(Buffer.from((await store.get('raw/bundled/abc/big.csv'))!).equals(body)).toBe(true);
      expect(await store.list('raw/')).toEqual(['raw/bundled/abc/big.csv']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
