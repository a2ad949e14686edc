/**
 * The object-store seam. Keys use the same layout in a local folder and in S3
 * (`raw/…`, `curated/<table>/<k>=<v>/part-00000.parquet`, `metrics/…`, `_runs/…`).
 * Keys are always `/`-separated and never start with `/`.
 */
export interface ObjectStore {
  /** A human-readable location, e.g. `.lake/` or `s3://bucket/prefix/`. */
  readonly location: string;
  put(key: string, body: Uint8Array | string, contentType?: string): Promise<void>;
  /**
   * Publish at `key`, atomically, the file `write` creates at the local path it is given. Only a store
   * on a local disk has it (the folder store): a local writer such as DuckDB's COPY then writes the
   * object where it will live instead of to a temp file that `put` reads back and writes again.
   * An error `write` throws as a ChainwatchError passes through unchanged.
   */
  putWith?(key: string, write: (path: string) => Promise<void>): Promise<void>;
  /** Returns undefined when the key does not exist. */
  get(key: string): Promise<Uint8Array | undefined>;
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
   * Remove what writers that died mid-write left behind (never visible to readers). Only stores that
   * can leave such leftovers implement it: the folder store's temp files; an S3 PUT leaves nothing,
   * and incomplete multipart uploads are aborted by the bucket's lifecycle rule.
   */
  removeLeftovers?(): Promise<string[]>;
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
