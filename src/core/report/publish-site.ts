import { createHash } from 'node:crypto';
import { StoreError } from '../errors.ts';
import type { ObjectStore } from '../seams/object-store.ts';
import { scopedStore } from '../seams/scoped-store.ts';
import { contentTypeOf } from './content-types.ts';
import { BUILDS, buildPrefix, type PointerState, type SiteBuilds, type SitePointer } from '../seams/site-pointer.ts';

/** Uploads in flight at once: enough to hide S3 latency, few enough for a small Lambda. */
const CONCURRENCY = 8;

export interface PublishSummary {
  /** The build the site serves now. */
  build: string;
  /** False when this very site was already current: nothing was uploaded or switched. */
  switched: boolean;
  /** Files put under the build's folder, earlier releases included. */
  uploaded: number;
  /** Files of earlier releases taken over from the build that was live. */
  carried: number;
  /** Objects of retired builds removed after the switch. */
  deleted: number;
}

export interface PublishOptions {
  /** The pointer as the caller read it before building (the release history came from that build); default: read now. */
  live?: PointerState;
  onProgress?: (line: string) => void;
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

/** `builds/<id>/…` → `builds/<id>/`; undefined for anything else. */
const buildFolderOf = (key: string): string | undefined => new RegExp(`^${BUILDS}[^/]+/`).exec(key)?.[0];

const sha256 = (bytes: Uint8Array | string): string => createHash('sha256').update(bytes).digest('hex');

/**
 * A build's id: a digest of every path and its bytes. The same site always gets the same id, so a
 * publish re-run over an unchanged site switches nothing, and a publish re-run after a crash fills
 * the same folder it had started.
 */
function buildIdOf(files: ReadonlyMap<string, Uint8Array>): string {
  const lines = [...files.keys()].sort().map((key) => `${key}\0${sha256(files.get(key)!)}\n`);
  return sha256(lines.join('')).slice(0, 16);
}

/**
 * What readers get now, seen as a site: the current build's folder; before the first switch, the
 * store itself (the layout before builds had the site at the root). The report reads the release
 * history from here, and the publish takes earlier releases over from here.
 */
export const liveSite = (store: ObjectStore, state: PointerState): ObjectStore =>
  state.builds ? scopedStore(store, buildPrefix(state.builds.current)) : store;

/**
 * Remove every build but the current and the previous one, a crashed publish's partial build
 * included. The previous build stays for rollback and for readers whose edge has not yet seen the
 * switch; the same goes for the root-layout site until the build that replaced it is itself replaced.
 */
async function removeRetired(store: ObjectStore, builds: SiteBuilds): Promise<number> {
  const keep = new Set([builds.current, builds.previous].filter((id) => id !== undefined).map(buildPrefix));
  const rootLayoutRetired = builds.previous !== undefined;
  const retired = (await store.list('')).filter((key) => {
    const folder = buildFolderOf(key);
    return folder === undefined ? rootLayoutRetired : !keep.has(folder);
  });
  if (retired.length > 0) await store.delete(retired);
  return retired.length;
}

/**
 * Publish a built site (a folder the report wrote) to a store (the site bucket) as a new build, then switch
 * readers to it: write new, then switch. The whole site — the built files, plus the earlier releases of the
 * live build that the folder does not rebuild — goes under `builds/<id>/`, a folder nothing serves
 * yet; one pointer switch makes it current; only then are retired builds deleted. Killed anywhere,
 * readers keep one complete build: before the switch the old one (the partial folder is removed by
 * the next publish), after it the new one.
 */
export async function publishSite(
  source: ObjectStore,
  store: ObjectStore,
  pointer: SitePointer,
  options: PublishOptions = {},
): Promise<PublishSummary> {
  const { onProgress } = options;
  const state = options.live ?? (await pointer.read());
  const live = liveSite(store, state);
  const own = await source.list('');
  const files = new Map<string, Uint8Array>();
  for (const key of own) files.set(key, (await source.get(key))!);

  // A build in AWS starts from an empty folder and writes one month: every other month is carried over, as published.
  const built = new Set(own.map(releaseOf).filter((m) => m !== undefined));
  const earlier = (await live.list('releases/')).filter((key) => {
    const month = releaseOf(key);
    return month !== undefined && !built.has(month);
  });
  await eachLimited(earlier, CONCURRENCY, async (key) => {
    const body = await live.get(key);
    if (body === undefined) {
      throw new StoreError(
        `${live.location}${key} vanished while the publish read it`,
        'Something deleted objects of the live build; run the report step again.',
      );
    }
    files.set(key, body);
  });

  const id = buildIdOf(files);
  if (state.builds && id === state.builds.current) {
    onProgress?.(`build ${id} (${files.size} files) is already the current site; nothing to switch`);
    const deleted = await removeRetired(store, state.builds);
    return { build: id, switched: false, uploaded: 0, carried: earlier.length, deleted };
  }

  const target = scopedStore(store, buildPrefix(id));
  await eachLimited([...files.keys()], CONCURRENCY, (key) => target.put(key, files.get(key)!, contentTypeOf(key)));
  onProgress?.(
    `uploaded build ${id} to ${target.location}: ${own.length} files of this build and ${earlier.length} of earlier releases`,
  );

  const next: SiteBuilds = state.builds ? { current: id, previous: state.builds.current } : { current: id };
  await pointer.switch(next, state.version);
  onProgress?.(
    `switched ${pointer.location} to build ${id}${next.previous ? ` (previous ${next.previous}, kept for rollback)` : ''}`,
  );

  const deleted = await removeRetired(store, next);
  onProgress?.(`deleted ${deleted} objects of retired builds`);
  return { build: id, switched: true, uploaded: files.size, carried: earlier.length, deleted };
}
