import { getJson, type ObjectStore } from '../seams/object-store.ts';
import { lakePrefix } from './layout.ts';
import type { IngestManifest } from './manifest.ts';

/** The release a lake serves: its newest succeeded run and when that run finished. */
export interface LakeRelease {
  runId: string;
  finishedAt: string;
}

/** The newest succeeded run in `_runs/`; undefined for a lake without one (tables copied in by hand). */
export async function latestRelease(store: ObjectStore): Promise<LakeRelease | undefined> {
  const keys = (await store.list(lakePrefix.runs)).filter((k) => k.endsWith('.json'));
  let latest: LakeRelease | undefined;
  for (const key of keys) {
    const m = await getJson<IngestManifest>(store, key);
    if (m?.outcome === 'succeeded' && (!latest || m.finishedAt > latest.finishedAt))
      latest = { runId: m.runId, finishedAt: m.finishedAt };
  }
  return latest;
}
