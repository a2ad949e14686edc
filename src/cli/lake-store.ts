import type { S3Client } from '@aws-sdk/client-s3';
import { FolderObjectStore } from '../adapters/folder-store/folder-store.ts';
import { UsageError } from '../core/errors.ts';
import type { ObjectStore } from '../core/seams/object-store.ts';

/**
 * The CLI's `--lake`: `s3://bucket/prefix` → the S3 store; anything else is a local folder. The S3 store
 * (and the AWS SDK under it) is loaded only for an `s3://` lake: a local command never pays for it.
 */
export async function storeFromUri(uri: string, client?: S3Client): Promise<ObjectStore> {
  const match = /^s3:\/\/([^/]*)\/?(.*)$/.exec(uri);
  if (!match) return new FolderObjectStore(uri);
  const [, bucket, prefix] = match;
  if (!bucket) {
    throw new UsageError(
      `"${uri}" names no bucket`,
      'Write the lake as s3://<bucket>/<prefix>, e.g. s3://my-lake/chainwatch/.',
    );
  }
  const { S3ObjectStore } = await import('../adapters/s3-store/s3-store.ts');
  return new S3ObjectStore({ bucket, prefix, client });
}
