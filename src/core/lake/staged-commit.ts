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
  /** rolled-forward: the marker was there and its writes were finished; discarded: no marker, nothing had changed. */
  action: 'rolled-forward' | 'discarded';
  /** Objects put or deleted in place (rolled-forward) or staged objects thrown away (discarded). */
  objects: number;
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const markerKey = (prefix: string, id: string) => `${prefix}${id}/_COMMIT.json`;
const stagedKey = (prefix: string, id: string, key: string) => `${prefix}${id}/objects/${key}`;

/** The staged bytes of a marker's put, checked against its hash; undefined when an earlier recovery already applied it. */
async function stagedBody(
  store: ObjectStore,
  prefix: string,
  marker: CommitMarker,
  put: CommitMarker['puts'][number],
): Promise<Uint8Array | undefined> {
  const body = await store.get(stagedKey(prefix, marker.id, put.key));
  if (body === undefined) {
    // An earlier recovery applied this object and removed its staged copy before it was interrupted.
    const current = await store.get(put.key);
    if (current !== undefined && sha256(current) === put.sha256) return undefined;
    throw new StoreError(
      `Commit ${marker.id} lost the staged copy of ${put.key}`,
      `Run the ingest again without the leftover commit: delete ${markerKey(prefix, marker.id)} (the next run rewrites every partition it covers).`,
    );
  }
  if (sha256(body) !== put.sha256) {
    throw new StoreError(
      `The staged copy of ${put.key} in commit ${marker.id} does not match its marker`,
      `The staging area was changed by hand; delete ${prefix}${marker.id}/ and run the ingest again.`,
    );
  }
  return body;
}

async function apply(store: ObjectStore, prefix: string, marker: CommitMarker): Promise<void> {
  // Every staged copy is checked before the first object is replaced, so a damaged staging area
  // changes nothing; the copies are read again to apply them rather than all held at once (a
  // decade of partitions need not fit in a Lambda's memory).
  for (const put of marker.puts) await stagedBody(store, prefix, marker, put);
  for (const put of marker.puts) {
    const body = await stagedBody(store, prefix, marker, put);
    if (body) await store.put(put.key, body, put.contentType);
  }
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
    return `${this.staging}${this.id}/scratch/${name}`;
  }

  /** Switch every staged object in (nothing to switch: only the scratch is cleaned). */
  async commit(): Promise<void> {
    if (this.puts.length > 0 || this.deletes.length > 0) {
      const marker: CommitMarker = { id: this.id, puts: this.puts, deletes: this.deletes };
      await putJson(this.store, markerKey(this.staging, this.id), marker);
      await apply(this.store, this.staging, marker);
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
    if (marker) {
      await apply(store, staging, marker);
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
  return (await store.list(staging))
    .filter((k) => k.endsWith('/_COMMIT.json'))
    .map((k) => k.slice(staging.length).split('/')[0]);
}
