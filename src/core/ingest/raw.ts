import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readBytes } from '../read-bytes.ts';
import { rawKey } from '../lake/layout.ts';
import type { ObjectStore } from '../seams/object-store.ts';

export interface LandedFile {
  rawKey: string;
  sha256: string;
  /** False when the same bytes were already in the lake. */
  written: boolean;
}

/**
 * Keep an input exactly as read under `raw/<source>/<sha256, 16 hex>/<file>`. The key is a function of
 * the content, so landing the same bytes again is a no-op and raw objects are never rewritten.
 */
export async function landRaw(
  store: ObjectStore,
  source: string,
  file: string,
  bytes: Uint8Array,
): Promise<LandedFile> {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const key = rawKey(source, sha256, file);
  if (await store.exists(key)) return { rawKey: key, sha256, written: false };
  await store.put(key, bytes);
  return { rawKey: key, sha256, written: true };
}

/** landRaw of a local file read as a stream (hashed, then copied or uploaded): it is never held in memory whole. */
export async function landRawFile(store: ObjectStore, source: string, file: string, path: string): Promise<LandedFile> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  const sha256 = hash.digest('hex');
  const key = rawKey(source, sha256, file);
  if (await store.exists(key)) return { rawKey: key, sha256, written: false };
  if (store.putFile) await store.putFile(key, path);
  else await store.put(key, await readBytes(path));
  return { rawKey: key, sha256, written: true };
}
