/**
 * The object-store seam. Keys use the same layout in a local folder and in S3
 * (`raw/…`, `curated/<table>/<k>=<v>/part-00000.parquet`, `metrics/…`, `_runs/…`).
 * Keys are always `/`-separated and never start with `/`.
 */
export interface ObjectStore {
  /** A human-readable location, e.g. `.lake/` or `s3://bucket/prefix/`. */
  readonly location: string;
  /**
   * The URI of an object for a reader outside chainwatch (Athena reads the files a metric table's manifest
   * lists by `s3://` URI). A folder has none: its manifests list lake keys, which stay right when the
   * folder is moved or copied.
   */
  uri?(key: string): string;
  put(key: string, body: Uint8Array | string, contentType?: string): Promise<void>;
  /**
   * Publish at `key`, atomically, the file `write` creates at the local path it is given. Only a store
   * on a local disk has it (the folder store): a local writer such as DuckDB's COPY then writes the
   * object where it will live instead of to a temp file that `put` reads back and writes again.
   * An error `write` throws as a ChainwatchError passes through unchanged.
   */
  putWith?(key: string, write: (path: string) => Promise<void>): Promise<void>;
  /** Publish a local file's bytes at `key`, streamed: a file larger than memory can be landed. */
  putFile?(key: string, path: string, contentType?: string): Promise<void>;
  /** Returns undefined when the key does not exist. */
  get(key: string): Promise<Uint8Array | undefined>;
  /**
   * The last `bytes` bytes of an object (all of it when it is shorter) and its whole size, or undefined
   * when the key does not exist: a Parquet footer without the rest of the file.
   */
  readTail?(key: string, bytes: number): Promise<{ tail: Uint8Array; size: number } | undefined>;
  /** Keys under a prefix, sorted ascending. */
  list(prefix: string): Promise<string[]>;
  delete(keys: string[]): Promise<void>;
  exists(key: string): Promise<boolean>;
  /**
   * Make `to` a copy of the object at `from`, byte for byte with its content type, inside the store
   * (S3: one CopyObject, so the bytes never pass through this process; objects up to 5 GB, S3's limit
   * for a single copy). A missing `from` is a StoreError.
   */
  copy(from: string, to: string): Promise<void>;
  /**
   * A stamp of the object's current bytes that changes whenever they are replaced (size and
   * modification time of a file; size and ETag in S3), or undefined when the key does not exist. It can
   * also change when the bytes do not (a copied file): a cache key for what was computed from the
   * bytes, never a stand-in for them.
   */
  stamp?(key: string): Promise<string | undefined>;
  /**
   * Remove what writers that died mid-write left behind under `prefixes` (never visible to readers),
   * and nothing else: only the store's own temp names, only under the prefixes its writers own. Only
   * stores that can leave such leftovers implement it: the folder store's temp files; an S3 PUT leaves
   * nothing, and incomplete multipart uploads are aborted by the bucket's lifecycle rule.
   */
  removeLeftovers?(prefixes: readonly string[]): Promise<string[]>;
  /**
   * The names at the top of the store (a folder's entries; in S3 the first segment of every key under
   * the prefix), to tell a lake from any other folder without listing all of it.
   */
  topLevel?(): Promise<string[]>;
  /**
   * Conditional writes of one small object, for the lake's one-writer lease (src/core/lake/lease.ts).
   * Each happens whole or not at all and says which: S3 has conditional requests (If-None-Match: *,
   * If-Match: <ETag>); the folder store an exclusive link and a guard file per version. `version` is
   * opaque (the ETag; a content hash) and changes whenever the object is replaced.
   */
  getVersioned?(key: string): Promise<Versioned | undefined>;
  /** Create the object only if there is none at `key`: its version, or undefined when one was there. */
  putIfAbsent?(key: string, body: string): Promise<string | undefined>;
  /** Replace the object only while it is at `version`: its new version, or undefined when it had moved on. */
  replaceIf?(key: string, body: string, version: string): Promise<string | undefined>;
  /** Delete the object only while it is at `version`: false when it had moved on or was gone. */
  deleteIf?(key: string, version: string): Promise<boolean>;
}

/** An object's bytes and the version they are at. */
export interface Versioned {
  body: Uint8Array;
  version: string;
}

export const textOf = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

/** Read a JSON object, or undefined when the key is absent. */
export async function getJson<T>(store: ObjectStore, key: string): Promise<T | undefined> {
  const bytes = await store.get(key);
  return bytes === undefined ? undefined : (JSON.parse(textOf(bytes)) as T);
}

export async function putJson(store: ObjectStore, key: string, value: unknown): Promise<void> {
  await store.put(key, JSON.stringify(value, null, 2) + '\n', 'application/json');
}
