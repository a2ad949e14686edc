import type { LiveSourceId } from '../sources.ts';
import { getJson, putJson, type ObjectStore } from '../seams/object-store.ts';
import { isSourceStateKey, lakePrefix } from './layout.ts';
import type { RunMark } from './manifest.ts';

/** What the last fetch of one request returned. */
interface ResponseState {
  sha256: string;
  rawKey: string;
  /** Run that first landed this content. */
  runId: string;
}

/**
 * `_state/<source>.json`: the memory of a live source between runs. `responses` maps each request
 * (its URL without secrets) to the content hash it last returned: an identical response is a no-op.
 * `status` is what the site shows: 'stale' after a run in which the source failed, with the error and
 * the last run whose data it still serves.
 */
export interface SourceState {
  source: LiveSourceId;
  status: 'fresh' | 'stale';
  lastSuccess: RunMark | null;
  lastFailure: (RunMark & { error: string; hint?: string }) | null;
  responses: Record<string, ResponseState>;
}

export async function readSourceState(store: ObjectStore, source: LiveSourceId): Promise<SourceState> {
  return (
    (await getJson<SourceState>(store, lakePrefix.state(source))) ?? {
      source,
      status: 'fresh',
      lastSuccess: null,
      lastFailure: null,
      responses: {},
    }
  );
}

/**
 * Written after the source's curated partitions: a crash in between leaves the old hashes, so the
 * next run sees "changed" and merges again, which rewrites nothing that is already right.
 */
export async function writeSourceState(store: ObjectStore, state: SourceState): Promise<void> {
  const responses = Object.fromEntries(
    Object.entries(state.responses).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  await putJson(store, lakePrefix.state(state.source), { ...state, responses });
}

/** Freshness of every live source that has ever run, for the site's "data as of" notes. */
export async function readSourceFreshness(store: ObjectStore): Promise<SourceState[]> {
  // Only `_state/<source>.json`: other steps keep state in folders below (`_state/metrics/`).
  const keys = (await store.list(lakePrefix.stateRoot)).filter(isSourceStateKey);
  const states = await Promise.all(keys.map((k) => getJson<SourceState>(store, k)));
  return states.filter((s): s is SourceState => s !== undefined);
}
