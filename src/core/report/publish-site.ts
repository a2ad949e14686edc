import { createHash } from 'node:crypto';
import { StoreError } from '../errors.ts';
import { getJson, putJson, type ObjectStore } from '../seams/object-store.ts';
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
  /** Files of this build uploaded from the built folder. */
  uploaded: number;
  /**
   * Files of this build whose bytes the live build has at the same path (the SQL console's WebAssembly, the
   * stylesheet, pages no new data changed): copied inside the store, never uploaded again.
   */
  unchanged: number;
  /** Files of earlier releases taken over from the build that was live (copied inside the store, never downloaded). */
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

/**
 * `builds/<id>.manifest.json`, beside the build's folder (so no reader can request it): every file of
 * the build with the sha256 of its bytes. The next publish names the earlier releases it carries over
 * by these digests instead of downloading them, and copies them inside the store. Written last,
 * before the switch; retired with its build.
 */
const MANIFEST_SUFFIX = '.manifest.json';
export const manifestKey = (id: string): string => `${BUILDS}${id}${MANIFEST_SUFFIX}`;
interface BuildManifest {
  files: Record<string, string>;
}

/** `builds/<id>/…` and the build's manifest `builds/<id>.manifest.json` → `<id>`; undefined for anything else. */
const buildOf = (key: string): string | undefined =>
  new RegExp(`^${BUILDS}([^/]+?)(?:/|${MANIFEST_SUFFIX.replaceAll('.', '\\.')}$)`).exec(key)?.[1];

const sha256 = (bytes: Uint8Array | string): string => createHash('sha256').update(bytes).digest('hex');

/**
 * A build's id: a digest of every path and the sha256 of its bytes. The same site always gets the
 * same id — nothing in it depends on when it was built — so a publish re-run over an unchanged site
 * switches and uploads nothing, and a publish re-run after a crash fills the same folder it had started.
 */
function buildIdOf(digests: ReadonlyMap<string, string>): string {
  const lines = [...digests.keys()].sort().map((key) => `${key}\0${digests.get(key)!}\n`);
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
  const keep = new Set([builds.current, builds.previous].filter((id) => id !== undefined));
  const rootLayoutRetired = builds.previous !== undefined;
  const retired = (await store.list('')).filter((key) => {
    const build = buildOf(key);
    return build === undefined ? rootLayoutRetired : !keep.has(build);
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
  // Digests first, the bytes read again when uploaded: a site of a thousand products is never held whole.
  const digests = new Map<string, string>();
  for (const key of own) digests.set(key, sha256((await source.get(key))!));

  // A build in AWS starts from an empty folder and writes one month: every other month is carried over, as published.
  const built = new Set(own.map(releaseOf).filter((m) => m !== undefined));
  const earlier = (await live.list('releases/')).filter((key) => {
    const month = releaseOf(key);
    return month !== undefined && !built.has(month);
  });
  // A live site published before build manifests existed is read once, to learn its digests.
  const known = (state.builds && (await getJson<BuildManifest>(store, manifestKey(state.builds.current)))?.files) ?? {};
  await eachLimited(earlier, CONCURRENCY, async (key) => {
    const digest = known[key] ?? (await live.get(key).then((body) => body && sha256(body)));
    if (digest === undefined) {
      throw new StoreError(
        `${live.location}${key} vanished while the publish read it`,
        'Something deleted objects of the live build; run the report step again.',
      );
    }
    digests.set(key, digest);
  });

  const id = buildIdOf(digests);
  if (state.builds && id === state.builds.current) {
    onProgress?.(`build ${id} (${digests.size} files) is already the current site; nothing to upload or switch`);
    const deleted = await removeRetired(store, state.builds);
    return { build: id, switched: false, uploaded: 0, unchanged: 0, carried: earlier.length, deleted };
  }

  const target = buildPrefix(id);
  const livePrefix = state.builds ? buildPrefix(state.builds.current) : '';
  const unchanged = own.filter((key) => known[key] === digests.get(key));
  const changed = own.filter((key) => known[key] !== digests.get(key));
  await eachLimited(changed, CONCURRENCY, async (key) =>
    store.put(target + key, (await source.get(key))!, contentTypeOf(key)),
  );
  await eachLimited([...unchanged, ...earlier], CONCURRENCY, (key) => store.copy(livePrefix + key, target + key));
  const manifest: BuildManifest = { files: Object.fromEntries([...digests].sort(([a], [b]) => (a < b ? -1 : 1))) };
  await putJson(store, manifestKey(id), manifest);
  onProgress?.(
    `uploaded build ${id} to ${store.location}${target}: ${changed.length} files of this build (${unchanged.length} more unchanged since the live build, copied from it), ${earlier.length} of earlier releases copied from the live build`,
  );

  const next: SiteBuilds = state.builds ? { current: id, previous: state.builds.current } : { current: id };
  await pointer.switch(next, state.version);
  onProgress?.(
    `switched ${pointer.location} to build ${id}${next.previous ? ` (previous ${next.previous}, kept for rollback)` : ''}`,
  );

  const deleted = await removeRetired(store, next);
  onProgress?.(`deleted ${deleted} objects of retired builds`);
  return {
    build: id,
    switched: true,
    uploaded: changed.length,
    unchanged: unchanged.length,
    carried: earlier.length,
    deleted,
  };
}
