import { createHash } from 'node:crypto';
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
  const rawKey = `raw/${source}/${sha256.slice(0, 16)}/${file}`;
  if (await store.exists(rawKey)) return { rawKey, sha256, written: false };
  await store.put(rawKey, bytes);
  return { rawKey, sha256, written: true };
}
