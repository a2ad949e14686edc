import { StoreError } from '../errors.ts';
import { textOf, type ObjectStore } from './object-store.ts';

/**
 * The switch of the published site. A publish uploads a whole build under `builds/<id>/`, which
 * nothing serves yet, then moves one pointer to it in one atomic step; every request resolves the
 * pointer, so a reader gets one complete build or the other, never a mix. Behind CloudFront the
 * pointer is a KeyValueStore read by the distribution's viewer-request function
 * (src/adapters/kvs-site-pointer/kvs-site-pointer.ts, infra/functions/site-router.js); `StoreSitePointer` keeps it as an
 * object in a folder or bucket.
 */

/** What the pointer names: the build readers get, and the one it replaced (kept for rollback). */
export interface SiteBuilds {
  current: string;
  previous?: string;
}

/** The pointer as read. `version` is opaque: a switch goes through only if the pointer is still at it. */
export interface PointerState {
  /** Undefined until the first publish through the pointer. */
  builds?: SiteBuilds;
  version: string;
}

export interface SitePointer {
  /** Where the pointer is, for messages. */
  readonly location: string;
  read(): Promise<PointerState>;
  /** Make `next` current in one step, if nothing moved the pointer since it was at `version`. */
  switch(next: SiteBuilds, version: string): Promise<void>;
}

/** The pointer's keys. The CloudFront Function (infra/functions/site-router.js) reads `current`. */
export const POINTER_KEYS = { current: 'current', previous: 'previous' } as const;

/** Where the builds are in the site store, one folder each. */
export const BUILDS = 'builds/';
export const buildPrefix = (id: string): string => `${BUILDS}${id}/`;

/** Build ids are hex digests (src/core/report/publish-site.ts); the router puts them into object keys. */
const BUILD_ID = /^[0-9a-f]{16}$/;

/** The builds a pointer names, checked: anything else there was not written by a publish. */
export function checkBuilds(
  current: string | undefined,
  previous: string | undefined,
  location: string,
): SiteBuilds | undefined {
  if (current === undefined) return undefined;
  for (const id of previous === undefined ? [current] : [current, previous]) {
    if (!BUILD_ID.test(id)) {
      throw new StoreError(
        `The site pointer ${location} names "${id}", which is not a build id`,
        `Set it to the id of a folder under ${BUILDS} in the site bucket (the previous one is the rollback), or clear it and publish again.`,
      );
    }
  }
  return previous === undefined ? { current } : { current, previous };
}

/** Another publish switched the site between this one's read and its switch. */
export const pointerMoved = (location: string): StoreError =>
  new StoreError(
    `The site pointer ${location} moved while this publish ran: another publish switched the site`,
    'Nothing this publish uploaded is served; run the report step again (one at a time) to publish over the new current build.',
  );

/**
 * The pointer as one small JSON object in a store: a put replaces it atomically in a folder (temp file
 * + rename) and in S3, so a reader sees the old pointer or the new one. For a site served straight
 * from a folder or a bucket, and for the tests of the publisher. A store has no compare-and-swap: the
 * version check before the put stops a publish that started from a stale pointer, not two publishes
 * that switch in the same instant; publish from one place at a time.
 */
export class StoreSitePointer implements SitePointer {
  readonly location: string;

  constructor(
    private readonly store: ObjectStore,
    private readonly key = 'site-pointer.json',
  ) {
    this.location = `${store.location}${key}`;
  }

  async read(): Promise<PointerState> {
    const bytes = await this.store.get(this.key);
    if (bytes === undefined) return { version: '' };
    const text = textOf(bytes);
    let value: Partial<Record<keyof SiteBuilds, string>>;
    try {
      value = JSON.parse(text);
    } catch (cause) {
      throw new StoreError(
        `The site pointer ${this.location} is not JSON`,
        'Restore it to {"current": "<build id>"} or delete it and publish again.',
        { cause },
      );
    }
    return {
      builds: checkBuilds(value[POINTER_KEYS.current], value[POINTER_KEYS.previous], this.location),
      version: text,
    };
  }

  async switch(next: SiteBuilds, version: string): Promise<void> {
    if ((await this.read()).version !== version) throw pointerMoved(this.location);
    await this.store.put(this.key, JSON.stringify(next) + '\n', 'application/json');
  }
}
