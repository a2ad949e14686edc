import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { ObjectStore } from '../src/store/object-store.ts';
import { contentTypeOf } from './content-types.ts';
import { paths } from './paths.ts';

/** Uploads in flight at once: enough to hide S3 latency, few enough for a small Lambda. */
const CONCURRENCY = 8;

export interface PublishSummary {
  uploaded: number;
  deleted: number;
}

async function siteKeys(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort();
}

async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** `releases/<YYYY-MM>/…` → the month; undefined for anything else. */
const releaseOf = (key: string): string | undefined => /^releases\/(\d{4}-\d{2})\//.exec(key)?.[1];

/**
 * Upload a built site folder to a store (the site bucket), in an order that never shows a reader a
 * link to something missing: downloads and assets first, then the pages, `index.html` last; then
 * delete what the new site no longer has. A failed upload leaves the previous index in place.
 * Releases of other months than the ones in the folder are not the build's to delete: a build in AWS
 * starts from an empty folder and writes one month, and earlier months stay published as they are.
 */
export async function publishSite(dir: string, store: ObjectStore, onProgress?: (line: string) => void): Promise<PublishSummary> {
  const keys = await siteKeys(dir);
  const upload = async (key: string) => {
    await store.put(key, new Uint8Array(await readFile(join(dir, ...key.split('/')))), contentTypeOf(key));
  };
  const isPage = (k: string) => k.endsWith('.html');
  await eachLimited(keys.filter((k) => !isPage(k)), CONCURRENCY, upload);
  await eachLimited(keys.filter((k) => isPage(k) && k !== paths.overview), CONCURRENCY, upload);
  if (keys.includes(paths.overview)) await upload(paths.overview);
  onProgress?.(`uploaded ${keys.length} files to ${store.location}`);

  const wanted = new Set(keys);
  const built = new Set(keys.map(releaseOf).filter((m) => m !== undefined));
  const owned = (k: string) => {
    const month = releaseOf(k);
    return month === undefined || built.has(month);
  };
  const stale = (await store.list('')).filter((k) => !wanted.has(k) && owned(k));
  if (stale.length > 0) await store.delete(stale);
  onProgress?.(`deleted ${stale.length} files the new site no longer has`);
  return { uploaded: keys.length, deleted: stale.length };
}
