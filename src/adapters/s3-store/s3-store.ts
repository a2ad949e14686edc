import {
  CopyObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type _Error as S3KeyError,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createReadStream } from 'node:fs';
import { StoreError } from '../../core/errors.ts';
import { awsErrorHint } from '../aws-error-hint.ts';
import type { ObjectStore, Versioned } from '../../core/seams/object-store.ts';

export interface S3ObjectStoreOptions {
  bucket: string;
  /** Key prefix inside the bucket, e.g. `lake/`; a trailing `/` is added when missing. */
  prefix?: string;
  client?: S3Client;
}

/** DeleteObjects takes at most this many keys per request. */
const DELETE_BATCH = 1000;

const errorName = (cause: unknown): string => (cause as { name?: string })?.name ?? '';
const statusOf = (cause: unknown): number | undefined =>
  (cause as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;

/**
 * A conditional request that did not happen because its condition did not hold: 412 Precondition
 * Failed (the object is there, or at another ETag), 409 ConditionalRequestConflict (another conditional
 * write to the key was in flight), 404 (no object to match).
 */
const conditionFailed = (cause: unknown): boolean =>
  [412, 409, 404].includes(statusOf(cause) ?? 0) && errorName(cause) !== 'NoSuchBucket';

/** The AWS edge of the object-store seam: the same key layout as the lake folder, in a bucket under a prefix. */
export class S3ObjectStore implements ObjectStore {
  readonly location: string;
  readonly bucket: string;
  readonly prefix: string;
  private readonly client: S3Client;

  constructor({ bucket, prefix = '', client = new S3Client({}) }: S3ObjectStoreOptions) {
    this.bucket = bucket;
    const trimmed = prefix.replace(/^\/+/, '');
    this.prefix = trimmed === '' || trimmed.endsWith('/') ? trimmed : trimmed + '/';
    this.location = `s3://${bucket}/${this.prefix}`;
    this.client = client;
  }

  uri(key: string): string {
    return `s3://${this.bucket}/${this.objectKey(key)}`;
  }

  private objectKey(key: string): string {
    // Same rule as the folder store, so a key that works locally works in S3 and vice versa.
    if (key === '' || key.startsWith('/') || key.split('/').includes('..')) {
      throw new StoreError(`Invalid object key "${key}"`, 'Keys are relative, "/"-separated paths without "..".');
    }
    return this.prefix + key;
  }

  private fail(action: string, key: string, cause: unknown): StoreError {
    const where = `${this.location}${key}`;
    return new StoreError(
      `Could not ${action} ${where}: ${errorName(cause)} ${(cause as Error)?.message ?? ''}`.trim(),
      awsErrorHint(cause, this.location),
      { cause },
    );
  }

  async put(key: string, body: Uint8Array | string, contentType?: string): Promise<void> {
    const Key = this.objectKey(key);
    // Upload sends one PutObject for small bodies and a multipart upload for large ones.
    const upload = new Upload({
      client: this.client,
      params: {
        Bucket: this.bucket,
        Key,
        Body: body,
        ContentType:
          contentType ?? (typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/octet-stream'),
      },
    });
    try {
      await upload.done();
    } catch (cause) {
      throw this.fail('write', key, cause);
    }
  }

  async putFile(key: string, path: string, contentType = 'application/octet-stream'): Promise<void> {
    const Key = this.objectKey(key);
    // A stream: lib-storage uploads it in parts, holding a few parts at a time, never the whole file.
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key, Body: createReadStream(path), ContentType: contentType },
    });
    try {
      await upload.done();
    } catch (cause) {
      throw this.fail('write', key, cause);
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const Key = this.objectKey(key);
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key }));
      return await out.Body!.transformToByteArray();
    } catch (cause) {
      if (errorName(cause) === 'NoSuchKey' || (errorName(cause) !== 'NoSuchBucket' && statusOf(cause) === 404)) {
        return undefined;
      }
      throw this.fail('read', key, cause);
    }
  }

  async readTail(key: string, bytes: number): Promise<{ tail: Uint8Array; size: number } | undefined> {
    const Key = this.objectKey(key);
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key, Range: `bytes=-${bytes}` }));
      const tail = await out.Body!.transformToByteArray();
      // "bytes 100-199/200": the total after the slash (a whole short object may come without a range).
      const size = Number(/\/(\d+)$/.exec(out.ContentRange ?? '')?.[1] ?? tail.length);
      return { tail, size };
    } catch (cause) {
      if (errorName(cause) === 'NoSuchKey' || (errorName(cause) !== 'NoSuchBucket' && statusOf(cause) === 404)) {
        return undefined;
      }
      // An empty object has no last byte to range over.
      if (errorName(cause) === 'InvalidRange') return { tail: new Uint8Array(), size: 0 };
      throw this.fail('read', key, cause);
    }
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let ContinuationToken: string | undefined;
    try {
      do {
        const page = await this.client.send(
          new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix + prefix, ContinuationToken }),
        );
        for (const object of page.Contents ?? []) keys.push(object.Key!.slice(this.prefix.length));
        ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (ContinuationToken);
    } catch (cause) {
      throw this.fail('list', prefix, cause);
    }
    // The same order as the folder store (UTF-16 code units), not S3's UTF-8 byte order.
    return keys.sort();
  }

  async delete(keys: string[]): Promise<void> {
    const failed: S3KeyError[] = [];
    for (let i = 0; i < keys.length; i += DELETE_BATCH) {
      const Objects = keys.slice(i, i + DELETE_BATCH).map((k) => ({ Key: this.objectKey(k) }));
      try {
        const out = await this.client.send(
          new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects, Quiet: true } }),
        );
        failed.push(...(out.Errors ?? []));
      } catch (cause) {
        throw this.fail('delete', `${Objects.length} keys from ${keys[i]}`, cause);
      }
    }
    if (failed.length > 0) {
      const lines = failed.slice(0, 10).map((e) => `${e.Key}: ${e.Code} ${e.Message ?? ''}`.trim());
      const more = failed.length > lines.length ? `\n… and ${failed.length - lines.length} more` : '';
      throw new StoreError(
        `Could not delete ${failed.length} of ${keys.length} objects in ${this.location}:\n${lines.join('\n')}${more}`,
        awsErrorHint({ name: failed[0].Code }, this.location),
      );
    }
  }

  async copy(from: string, to: string): Promise<void> {
    // CopySource is "<bucket>/<key>", URL-encoded but for the key's "/"; metadata and content type come along.
    const CopySource = `${this.bucket}/${encodeURIComponent(this.objectKey(from)).replaceAll('%2F', '/')}`;
    try {
      // The copy gets a whole-object checksum of its own: a source uploaded in parts has a checksum of its parts'
      // checksums, which a copy (one part) cannot carry and a reader's checksum validation would refuse.
      await this.client.send(
        new CopyObjectCommand({ Bucket: this.bucket, Key: this.objectKey(to), CopySource, ChecksumAlgorithm: 'CRC32' }),
      );
    } catch (cause) {
      throw this.fail('copy', `${from} to ${to}`, cause);
    }
  }

  async stamp(key: string): Promise<string | undefined> {
    const Key = this.objectKey(key);
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key }));
      return `${head.ContentLength}:${head.ETag}`;
    } catch (cause) {
      if (errorName(cause) === 'NotFound' || errorName(cause) === 'NoSuchKey') return undefined;
      throw this.fail('check', key, cause);
    }
  }

  async topLevel(): Promise<string[]> {
    const names = new Set<string>();
    let ContinuationToken: string | undefined;
    try {
      do {
        const page = await this.client.send(
          new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix, Delimiter: '/', ContinuationToken }),
        );
        for (const p of page.CommonPrefixes ?? []) names.add(p.Prefix!.slice(this.prefix.length, -1));
        for (const o of page.Contents ?? []) names.add(o.Key!.slice(this.prefix.length));
        ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (ContinuationToken);
    } catch (cause) {
      throw this.fail('list', '', cause);
    }
    return [...names].sort();
  }

  async getVersioned(key: string): Promise<Versioned | undefined> {
    const Key = this.objectKey(key);
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key }));
      return { body: await out.Body!.transformToByteArray(), version: out.ETag! };
    } catch (cause) {
      if (errorName(cause) === 'NoSuchKey' || (errorName(cause) !== 'NoSuchBucket' && statusOf(cause) === 404)) {
        return undefined;
      }
      throw this.fail('read', key, cause);
    }
  }

  /** PutObject with If-None-Match: * — S3 creates the object only if there is none. */
  async putIfAbsent(key: string, body: string): Promise<string | undefined> {
    return this.conditionalPut(key, body, { IfNoneMatch: '*' });
  }

  /** PutObject with If-Match: <ETag> — S3 replaces the object only while it is at that ETag. */
  async replaceIf(key: string, body: string, version: string): Promise<string | undefined> {
    return this.conditionalPut(key, body, { IfMatch: version });
  }

  /** DeleteObject with If-Match: <ETag> (needs s3:GetObject as well as s3:DeleteObject). */
  async deleteIf(key: string, version: string): Promise<boolean> {
    const Key = this.objectKey(key);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key, IfMatch: version }));
      return true;
    } catch (cause) {
      if (conditionFailed(cause)) return false;
      throw this.fail('delete', key, cause);
    }
  }

  private async conditionalPut(
    key: string,
    body: string,
    condition: { IfNoneMatch: string } | { IfMatch: string },
  ): Promise<string | undefined> {
    const Key = this.objectKey(key);
    try {
      const out = await this.client.send(
        new PutObjectCommand({ Bucket: this.bucket, Key, Body: body, ContentType: 'application/json', ...condition }),
      );
      return out.ETag;
    } catch (cause) {
      if (conditionFailed(cause)) return undefined;
      throw this.fail('write', key, cause);
    }
  }

  async exists(key: string): Promise<boolean> {
    const Key = this.objectKey(key);
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key }));
      return true;
    } catch (cause) {
      // HEAD has no body, so a missing bucket also shows up as a bare 404 NotFound.
      if (errorName(cause) === 'NotFound' || errorName(cause) === 'NoSuchKey') return false;
      throw this.fail('check', key, cause);
    }
  }
}
