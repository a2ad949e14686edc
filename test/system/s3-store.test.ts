/** What only the S3 edge has: URIs, content types, multipart uploads, AWS errors turned into StoreErrors. */
import { CreateBucketCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreError, UsageError } from '../../src/core/errors.ts';
import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';
import { S3ObjectStore } from '../../src/adapters/s3-store/s3-store.ts';
import { storeFromUri } from '../../src/cli/lake-store.ts';
import { s3ClientFor, claimMoto, type Moto } from '../support/moto.ts';

let moto: Moto;
let s3: S3Client;

beforeAll(async () => {
  moto = await claimMoto();
  s3 = s3ClientFor(moto.endpoint);
  await s3.send(new CreateBucketCommand({ Bucket: 'edge-lake' }));
});

afterAll(async () => {
  s3?.destroy();
  await moto?.stop();
});

describe('storeFromUri', () => {
  it('maps s3:// URIs to S3 stores and anything else to a folder', async () => {
    expect((await storeFromUri('s3://my-lake')).location).toBe('s3://my-lake/');
    expect((await storeFromUri('s3://my-lake/')).location).toBe('s3://my-lake/');
    const nested = await storeFromUri('s3://my-lake/chainwatch/prod');
    expect(nested).toBeInstanceOf(S3ObjectStore);
    expect(nested.location).toBe('s3://my-lake/chainwatch/prod/');
    expect(await storeFromUri('.lake')).toBeInstanceOf(FolderObjectStore);
    expect((await storeFromUri('/tmp/lake/')).location).toBe('/tmp/lake/');
  });

  it('rejects an s3:// URI without a bucket', async () => {
    await expect(storeFromUri('s3:///prefix')).rejects.toThrow(UsageError);
  });

  it('gives a working store for an s3:// URI and a client', async () => {
    const store = await storeFromUri('s3://edge-lake/via-uri', s3);
    await store.put('a/b.txt', 'x');
    expect(await store.list('')).toEqual(['a/b.txt']);
  });
});

describe('S3ObjectStore', () => {
  it('stores the content type given, and a default by body kind', async () => {
    const store = new S3ObjectStore({ bucket: 'edge-lake', prefix: '/types/', client: s3 });
    await store.put('m.json', '{}', 'application/json');
    await store.put('t.txt', 'text');
    await store.put('b.bin', new Uint8Array([1, 2]));
    const typeOf = async (Key: string) =>
      (await s3.send(new HeadObjectCommand({ Bucket: 'edge-lake', Key }))).ContentType;
    expect(await typeOf('types/m.json')).toBe('application/json');
    expect(await typeOf('types/t.txt')).toBe('text/plain; charset=utf-8');
    expect(await typeOf('types/b.bin')).toBe('application/octet-stream');
  });

  it('uploads big bodies as multipart and small ones in one PutObject', async () => {
    const commands: string[] = [];
    const watched = s3ClientFor(moto.endpoint);
    watched.middlewareStack.add(
      (next, context) => (args) => {
        commands.push(context.commandName!);
        return next(args);
      },
      { step: 'initialize', name: 'recordCommands' },
    );
    const store = new S3ObjectStore({ bucket: 'edge-lake', prefix: 'multipart', client: watched });
    await store.put('small.bin', new Uint8Array(1024));
    expect(commands).toEqual(['PutObjectCommand']);
    commands.length = 0;
    await store.put('big.bin', new Uint8Array(11 * 1024 * 1024));
    expect(commands[0]).toBe('CreateMultipartUploadCommand');
    expect(commands.filter((c) => c === 'UploadPartCommand').length).toBe(3);
    expect(commands.at(-1)).toBe('CompleteMultipartUploadCommand');
    expect((await store.get('big.bin'))!.byteLength).toBe(11 * 1024 * 1024);
    watched.destroy();
  });

  it('turns a missing bucket into a StoreError that says to check the bucket name', async () => {
    const store = new S3ObjectStore({ bucket: 'no-such-bucket', client: s3 });
    for (const operation of [
      () => store.get('k'),
      () => store.list(''),
      () => store.put('k', 'v'),
      () => store.delete(['k']),
    ]) {
      const error = await operation().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreError);
      expect((error as StoreError).message).toMatch(/s3:\/\/no-such-bucket\//);
      expect((error as StoreError).hint).toMatch(/bucket name/);
    }
  });

  it('turns an unreachable endpoint into a StoreError about the network', async () => {
    const offline = s3ClientFor('http://127.0.0.1:9');
    const error = await new S3ObjectStore({ bucket: 'edge-lake', client: offline }).get('k').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).hint).toMatch(/network/);
    offline.destroy();
  });
});
