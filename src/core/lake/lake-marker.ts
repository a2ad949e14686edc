import { UsageError } from '../errors.ts';
import { putJson, type ObjectStore } from '../seams/object-store.ts';
import { LAKE_ENTRIES, LAKE_MARKER, lakePrefix } from './layout.ts';

/** How a store became a lake chainwatch writes to. */
export type LakeClaim = 'marked' | 'new' | 'adopted';

const sample = (names: readonly string[]): string =>
  names
    .slice(0, 3)
    .map((n) => JSON.stringify(n))
    .join(', ') + (names.length > 3 ? ` and ${names.length - 3} more` : '');

/**
 * Before chainwatch writes to a lake (and so before it removes anything from it): the store must be a
 * chainwatch lake. One with the marker is; an empty one (or a folder that does not exist yet) becomes
 * one; one an earlier chainwatch made before lakes were marked is recognised by its layout — nothing
 * at the top but the lake's own folders, and at least one run manifest under `_runs/` — and gets the
 * marker. Anything else (a home folder, a checkout, a bucket prefix with other data) is refused and
 * left exactly as it is.
 */
export async function claimLake(store: ObjectStore, now: Date = new Date()): Promise<LakeClaim> {
  if (await store.exists(LAKE_MARKER)) return 'marked';
  if (!store.topLevel) throw new Error(`claimLake needs a store that lists its top level (${store.location})`);
  // A marker a killed run was writing (the folder store's temp file beside it) is part of the marker.
  const entries = (await store.topLevel()).filter((e) => !e.startsWith(`${LAKE_MARKER}.`));
  // Another chainwatch started on the same new lake and marked it between our two looks.
  if (entries.includes(LAKE_MARKER)) return 'marked';
  if (entries.length > 0) {
    const foreign = entries.filter((e) => !LAKE_ENTRIES.includes(e));
    const manifests = foreign.length === 0 && (await store.list(lakePrefix.runs)).some((k) => k.endsWith('.json'));
    if (!manifests) {
      throw new UsageError(
        `${store.location} is not a chainwatch lake: it holds ${sample(foreign.length > 0 ? foreign : entries)} and no ${LAKE_MARKER}, so chainwatch will not write or delete anything there`,
        'Pass --lake a new or empty folder (chainwatch creates it), or the folder of a lake chainwatch made.',
      );
    }
  }
  await putJson(store, LAKE_MARKER, {
    chainwatch: 'lake',
    createdAt: now.toISOString(),
    note: 'A chainwatch lake: chainwatch writes and deletes files under it. Keep nothing else here.',
  });
  return entries.length > 0 ? 'adopted' : 'new';
}

/**
 * Before a command reads a lake (query, shell, export-views, report): the same check and the
 * same words for all of them. A folder that is missing or empty, or one holding other things than a
 * lake, is not read as an empty lake (which would answer every query with no rows); nor is a lake
 * without tables yet.
 */
export async function requireLake(store: ObjectStore): Promise<void> {
  const build = 'Build it with "chainwatch run", or pass --lake the folder of a lake chainwatch made.';
  if (!(await store.exists(LAKE_MARKER)) && store.topLevel) {
    const entries = (await store.topLevel()).filter((e) => !e.startsWith(`${LAKE_MARKER}.`));
    if (entries.length === 0) throw new UsageError(`There is no chainwatch lake at ${store.location}`, build);
    const foreign = entries.filter((e) => !LAKE_ENTRIES.includes(e));
    if (foreign.length > 0)
      throw new UsageError(
        `${store.location} is not a chainwatch lake: it holds ${sample(foreign)} and no ${LAKE_MARKER}`,
        build,
      );
  }
  if ((await store.list(lakePrefix.curated)).length === 0)
    throw new UsageError(`The lake at ${store.location} holds no tables yet`, build);
}
