import { createHash } from 'node:crypto';
import { StoreError } from '../errors.ts';
import { getJson, putJson, type ObjectStore } from '../store/object-store.ts';

/**
 * Write-new-then-switch for a set of objects (every partition file one source's run replaces).
 *
 *   1. stage: every new object is written under `<staging><id>/objects/<key>` — outside every table
 *      prefix, so no reader (DuckDB views, Athena projection, readTable) ever lists it;
 *   2. commit: one small marker `<staging><id>/_COMMIT.json` names each key with the SHA-256 of its
 *      new bytes and the keys to delete. Writing it is a single atomic put: the switch point;
 *   3. apply: each object is put in place (one atomic put each) and the deletions are made;
 *   4. clean: the staged objects, then the marker, are deleted.
 *
 * A crash before the marker leaves the target keys exactly as they were: the next run discards the
 * staging folder. A crash after it leaves each target key old or new, never partial, and the next
 * run finishes the apply from the staged bytes (checked against the marker's hashes) — so the
 * committed set always lands whole, byte for byte.
 */

export interface StagedPut {
  key: string;
  body: Uint8Array;
  contentType?: string;
}

export interface CommitPlan {
  puts: StagedPut[];
  deletes: string[];
}

/** `_COMMIT.json`: what the commit switches to. */
export interface CommitMarker {
  id: string;
  puts: { key: string; sha256: string; contentType?: string }[];
  deletes: string[];
}

export interface Recovery {
  id: string;
  /** rolled-forward: the marker was there and its writes were finished; discarded: no marker, nothing had changed. */
  action: 'rolled-forward' | 'discarded';
  /** Objects put or deleted in place (rolled-forward) or staged objects thrown away (discarded). */
  objects: number;
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const markerKey = (prefix: string, id: string) => `${prefix}${id}/_COMMIT.json`;
const stagedKey = (prefix: string, id: string, key: string) => `${prefix}${id}/objects/${key}`;

async function apply(store: ObjectStore, prefix: string, marker: CommitMarker, staged: Map<string, Uint8Array>): Promise<void> {
  // Every staged copy is checked against the marker before the first object is replaced, so a damaged
  // staging area changes nothing.
  const bodies: (Uint8Array | undefined)[] = [];
  for (const put of marker.puts) {
    const body = staged.get(put.key) ?? (await store.get(stagedKey(prefix, marker.id, put.key)));
    if (body === undefined) {
      // An earlier recovery applied this object and removed its staged copy before it was interrupted.
      const current = await store.get(put.key);
      if (current !== undefined && sha256(current) === put.sha256) {
        bodies.push(undefined);
        continue;
      }
      throw new StoreError(`Commit ${marker.id} lost the staged copy of ${put.key}`,
        `Run the ingest again without the leftover commit: delete ${markerKey(prefix, marker.id)} (the next run rewrites every partition it covers).`);
    }
    if (sha256(body) !== put.sha256) {
      throw new StoreError(`The staged copy of ${put.key} in commit ${marker.id} does not match its marker`,
        `The staging area was changed by hand; delete ${prefix}${marker.id}/ and run the ingest again.`);
    }
    bodies.push(body);
  }
  for (const [i, put] of marker.puts.entries()) if (bodies[i]) await store.put(put.key, bodies[i]!, put.contentType);
  if (marker.deletes.length > 0) await store.delete(marker.deletes);
}

async function clean(store: ObjectStore, prefix: string, id: string): Promise<void> {
  const keys = await store.list(`${prefix}${id}/`);
  const marker = markerKey(prefix, id);
  await store.delete(keys.filter((k) => k !== marker));
  // The marker goes last: while it exists, a later run can still finish the commit.
  await store.delete([marker]);
}

/**
 * Replace a set of objects as one switch: stage, commit marker, apply, clean. `staging` is a prefix
 * owned by one writer (e.g. `_staging/ingest/<source>/`), `id` unique per run.
 */
export async function commitStaged(
  store: ObjectStore,
  staging: string,
  id: string,
  plan: CommitPlan,
): Promise<void> {
  if (plan.puts.length === 0 && plan.deletes.length === 0) return;
  for (const put of plan.puts) await store.put(stagedKey(staging, id, put.key), put.body, put.contentType);
  const marker: CommitMarker = {
    id,
    puts: plan.puts.map((p) => ({ key: p.key, sha256: sha256(p.body), ...(p.contentType ? { contentType: p.contentType } : {}) })),
    deletes: plan.deletes,
  };
  await putJson(store, markerKey(staging, id), marker);
  await apply(store, staging, marker, new Map(plan.puts.map((p) => [p.key, p.body])));
  await clean(store, staging, id);
}

/** Finish every committed set a crashed run left under `staging` and discard every uncommitted one. */
export async function recoverStaged(store: ObjectStore, staging: string): Promise<Recovery[]> {
  const byId = new Map<string, number>();
  for (const key of await store.list(staging)) {
    const id = key.slice(staging.length).split('/')[0];
    byId.set(id, (byId.get(id) ?? 0) + 1);
  }
  const recoveries: Recovery[] = [];
  for (const [id, staged] of byId) {
    const marker = await getJson<CommitMarker>(store, markerKey(staging, id));
    if (marker) {
      await apply(store, staging, marker, new Map());
      recoveries.push({ id, action: 'rolled-forward', objects: marker.puts.length + marker.deletes.length });
    } else {
      recoveries.push({ id, action: 'discarded', objects: staged });
    }
    await clean(store, staging, id);
  }
  return recoveries;
}

/** Commits that are decided but not yet fully applied: while one exists, its targets may mix old and new objects. */
export async function pendingCommits(store: ObjectStore, staging: string): Promise<string[]> {
  return (await store.list(staging)).filter((k) => k.endsWith('/_COMMIT.json')).map((k) => k.slice(staging.length).split('/')[0]);
}
