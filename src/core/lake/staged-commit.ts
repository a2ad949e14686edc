import { createHash } from 'node:crypto';
import { StoreError } from '../errors.ts';
import { getJson, putJson, type ObjectStore } from '../seams/object-store.ts';

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
 *
 * No leftover needs a person. If staged copies are gone or do not match the marker (another writer
 * or a person removed or changed them), nothing damaged is ever put in place: when no object of the
 * set had been switched yet, the commit is rolled back (the targets stay exactly as before it); when
 * some had, every object that can be is rolled forward and the others keep their previous bytes. The
 * recovery says which and why; the source's next run writes its partitions again either way.
 */

export interface StagedPut {
  key: string;
  body: Uint8Array;
  contentType?: string;
}

/** `_COMMIT.json`: what the commit switches to. */
export interface CommitMarker {
  id: string;
  puts: { key: string; sha256: string; contentType?: string }[];
  deletes: string[];
}

export interface Recovery {
  id: string;
  /**
   * rolled-forward: the marker was there and its writes were finished (all, or all that could be: see
   * `kept`); rolled-back: the marker was there but nothing of it had been switched in and its staged
   * copies were gone, so it was dropped; discarded: no marker, nothing had changed.
   */
  action: 'rolled-forward' | 'rolled-back' | 'discarded';
  /** Objects put or deleted in place (rolled-forward) or staged objects thrown away (rolled-back, discarded). */
  objects: number;
  /** Why, in words, for the run manifest. */
  reason: string;
  /** Target keys that kept their previous bytes because their staged copy was gone or damaged. */
  kept?: string[];
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const markerKey = (prefix: string, id: string) => `${prefix}${id}/_COMMIT.json`;
const stagedKey = (prefix: string, id: string, key: string) => `${prefix}${id}/objects/${key}`;
/** A run's scratch object under its staging folder: thrown away with it, whether the run commits or not. */
export const stagingScratchKey = (prefix: string, id: string, name: string): string => `${prefix}${id}/scratch/${name}`;

/**
 * Where each put of a marker stands: its staged copy is there and checks out (`staged`), it is already
 * in place (`applied`: an earlier recovery put it and removed the copy before it was interrupted), or
 * its copy is gone or damaged while the target has other bytes (`unusable`).
 */
type PutState = 'staged' | 'applied' | 'unusable';

async function stateOf(
  store: ObjectStore,
  prefix: string,
  marker: CommitMarker,
  put: CommitMarker['puts'][number],
): Promise<PutState> {
  const body = await store.get(stagedKey(prefix, marker.id, put.key));
  if (body !== undefined && sha256(body) === put.sha256) return 'staged';
  const current = await store.get(put.key);
  return current !== undefined && sha256(current) === put.sha256 ? 'applied' : 'unusable';
}

/**
 * Finish a marker's set as far as it can be finished. Every put is checked before the first object is
 * replaced; the staged copies are read again to apply them rather than all held at once (a decade of
 * partitions need not fit in a Lambda's memory).
 */
async function settle(store: ObjectStore, prefix: string, marker: CommitMarker): Promise<Recovery> {
  const states = new Map<string, PutState>();
  for (const put of marker.puts) states.set(put.key, await stateOf(store, prefix, marker, put));
  const kept = marker.puts.filter((p) => states.get(p.key) === 'unusable').map((p) => p.key);
  const anyApplied = marker.puts.some((p) => states.get(p.key) === 'applied');
  if (kept.length > 0 && !anyApplied) {
    return {
      id: marker.id,
      action: 'rolled-back',
      objects: marker.puts.length + marker.deletes.length,
      reason: `${kept.length} staged file${kept.length === 1 ? ' was' : 's were'} gone or changed (another writer or a person removed them) before any file of run ${marker.id} was switched in: its commit was dropped and the tables are as they were before it`,
      kept,
    };
  }
  for (const put of marker.puts) {
    if (states.get(put.key) !== 'staged') continue;
    const body = await store.get(stagedKey(prefix, marker.id, put.key));
    // Checked again: the copy was read before, but a store's bytes are only as good as this read.
    if (body === undefined || sha256(body) !== put.sha256) {
      kept.push(put.key);
      continue;
    }
    await store.put(put.key, body, put.contentType);
  }
  if (marker.deletes.length > 0) await store.delete(marker.deletes);
  return {
    id: marker.id,
    action: 'rolled-forward',
    objects: marker.puts.length - kept.length + marker.deletes.length,
    reason:
      kept.length === 0
        ? `run ${marker.id} had committed its files: every one is in place`
        : `run ${marker.id} had committed and partly switched in its files; ${kept.length} of them had lost their staged copy and keep their previous bytes until the source's next run writes them again`,
    ...(kept.length > 0 ? { kept } : {}),
  };
}

async function clean(store: ObjectStore, prefix: string, id: string): Promise<void> {
  const keys = await store.list(`${prefix}${id}/`);
  const marker = markerKey(prefix, id);
  await store.delete(keys.filter((k) => k !== marker));
  // The marker goes last: while it exists, a later run can still finish the commit.
  await store.delete([marker]);
}

/**
 * One set of objects replaced as one switch, built up while a run goes: `stage` writes each new object
 * aside as soon as it is ready (so a run holds one at a time), `commit` writes the marker, applies and
 * cleans. `staging` is a prefix owned by one writer (e.g. `_staging/ingest/<source>/`), `id` unique per run.
 * Besides the objects to switch, a run may keep scratch objects of its own under `scratchKey`
 * (thrown away with the staging folder).
 */
export class StagedCommit {
  private readonly puts: CommitMarker['puts'] = [];
  private readonly deletes: string[] = [];
  private readonly staged = new Set<string>();

  constructor(
    private readonly store: ObjectStore,
    private readonly staging: string,
    private readonly id: string,
  ) {}

  async stage(put: StagedPut): Promise<void> {
    if (this.staged.has(put.key))
      throw new Error(`Commit ${this.id} already stages ${put.key}: a run must plan each key once`);
    await this.store.put(stagedKey(this.staging, this.id, put.key), put.body, put.contentType);
    this.puts.push({
      key: put.key,
      sha256: sha256(put.body),
      ...(put.contentType ? { contentType: put.contentType } : {}),
    });
    this.staged.add(put.key);
  }

  remove(key: string): void {
    if (this.staged.has(key)) throw new Error(`Commit ${this.id} already stages ${key}: a run must plan each key once`);
    this.deletes.push(key);
    this.staged.add(key);
  }

  /** Where a run keeps a scratch object it needs until the commit (e.g. quarantine lines). */
  scratchKey(name: string): string {
    return stagingScratchKey(this.staging, this.id, name);
  }

  /**
   * Switch every staged object in (nothing to switch: only the scratch is cleaned). If something
   * removed or changed this run's staged files meanwhile, the set is settled as a recovery would
   * settle it and the run fails, saying so: a commit never half-lands silently, and leaves no marker.
   */
  async commit(): Promise<void> {
    if (this.puts.length > 0 || this.deletes.length > 0) {
      const marker: CommitMarker = { id: this.id, puts: this.puts, deletes: this.deletes };
      await putJson(this.store, markerKey(this.staging, this.id), marker);
      const settled = await settle(this.store, this.staging, marker);
      if (settled.kept) {
        await clean(this.store, this.staging, this.id);
        throw new StoreError(
          `Run ${this.id} could not switch in its files: ${settled.reason}`,
          'Run the ingest again, one writer at a time (chainwatch locks a lake while it writes; so does the state machine).',
        );
      }
    }
    await clean(this.store, this.staging, this.id);
  }

  /** Throw away everything staged: the targets never changed. */
  async discard(): Promise<void> {
    await clean(this.store, this.staging, this.id);
  }
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
    recoveries.push(
      marker
        ? await settle(store, staging, marker)
        : {
            id,
            action: 'discarded',
            objects: staged,
            reason: `run ${id} stopped before its commit marker: nothing of it had changed the tables`,
          },
    );
    await clean(store, staging, id);
  }
  return recoveries;
}

/** Commits that are decided but not yet fully applied: while one exists, its targets may mix old and new objects. */
export async function pendingCommits(store: ObjectStore, staging: string): Promise<string[]> {
  return (await store.list(staging))
    .filter((k) => k.endsWith('/_COMMIT.json'))
    .map((k) => k.slice(staging.length).split('/')[0]);
}
