/**
 * The pipeline's first step against S3: a full bundled ingest into moto_server's S3 through
 * S3ObjectStore lands exactly what the same ingest lands in a lake folder.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { curatedTables } from '../../data-schemas/curated.ts';
import { runIngest } from '../../src/core/ingest/ingest.ts';
import type { IngestManifest } from '../../src/core/lake/manifest.ts';
import { readTable } from '../../src/core/lake/read-table.ts';
import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';
import type { ObjectStore } from '../../src/core/seams/object-store.ts';
import { S3ObjectStore } from '../../src/adapters/s3-store/s3-store.ts';
import { s3ClientFor, claimMoto, type Moto } from '../support/moto.ts';

const RUN = { runId: 'ingest-s3-test', now: new Date('2026-02-01T06:00:00Z') };

let moto: Moto;
let s3: S3Client;
let dir: string;
let folder: ObjectStore;
let bucket: ObjectStore;
let manifests: { folder: IngestManifest; s3: IngestManifest };

beforeAll(async () => {
  moto = await claimMoto();
  s3 = s3ClientFor(moto.endpoint);
  await s3.send(new CreateBucketCommand({ Bucket: 'ingest-lake' }));
  dir = await mkdtemp(join(tmpdir(), 'chainwatch-s3-ingest-'));
  folder = new FolderObjectStore(dir);
  bucket = new S3ObjectStore({ bucket: 'ingest-lake', prefix: 'chainwatch/', client: s3 });
  manifests = {
    folder: await runIngest({ store: folder, ...RUN }),
    s3: await runIngest({ store: bucket, ...RUN }),
  };
});

afterAll(async () => {
  s3?.destroy();
  await moto?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('bundled ingest into S3 (moto) and into a folder', () => {
  it('succeeds in both with the same manifest', () => {
    expect(manifests.s3.outcome).toBe('succeeded');
    expect(manifests.s3).toEqual(manifests.folder);
  });

  it('lands the same keys with the same bytes', async () => {
    const keys = await folder.list('');
    expect(keys.some((k) => k.startsWith('raw/'))).toBe(true);
    expect(keys.some((k) => k.startsWith('curated/'))).toBe(true);
    expect(await bucket.list('')).toEqual(keys);
    for (const key of keys) {
      expect(Buffer.from((await bucket.get(key))!).equals(Buffer.from((await folder.get(key))!)), key).toBe(true);
    }
  });

  it.each(curatedTables.map((t) => [t.name, t] as const))(
    'reads the same %s rows back from both',
    async (name, table) => {
      const rows = await readTable(bucket, table);
      expect(rows).toEqual(await readTable(folder, table));
      const landed = Object.values(manifests.s3.sources).reduce((n, s) => n + (s.tables[name]?.rows ?? 0), 0);
      expect(rows.length).toBe(landed);
    },
  );

  it('landed rows in every curated table', () => {
    const landed = curatedTables.map((t) =>
      Object.values(manifests.s3.sources).reduce((n, s) => n + (s.tables[t.name]?.rows ?? 0), 0),
    );
    expect(landed.every((n) => n > 0)).toBe(true);
  });
});
