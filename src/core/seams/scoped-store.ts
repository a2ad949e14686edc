import { StoreError } from '../errors.ts';
import type { ObjectStore } from './object-store.ts';

/**
 * A store seen from one key prefix down: keys in and out are relative to `prefix`. The site publisher
 * writes and reads one build (`builds/<id>/`) with the same key layout as a whole site.
 */
export function scopedStore(inner: ObjectStore, prefix: string): ObjectStore {
  if (prefix === '' || !prefix.endsWith('/') || prefix.startsWith('/')) {
    throw new StoreError(
      `Invalid store prefix "${prefix}"`,
      'A scope is a relative folder prefix ending in "/", e.g. builds/1a2b/.',
    );
  }
  return {
    location: `${inner.location}${prefix}`,
    put: (key, body, contentType) => inner.put(prefix + key, body, contentType),
    get: (key) => inner.get(prefix + key),
    list: async (under) => (await inner.list(prefix + under)).map((k) => k.slice(prefix.length)),
    delete: (keys) => inner.delete(keys.map((k) => prefix + k)),
    exists: (key) => inner.exists(prefix + key),
    copy: (from, to) => inner.copy(prefix + from, prefix + to),
  };
}
