import { randomUUID } from 'node:crypto';
import { textOf, type ObjectStore } from '../seams/object-store.ts';
import { LEASE_KEY } from './layout.ts';

/**
 * One writer per lake at a time. A run that writes to the lake first takes its lease: one small object
 * (`_lease/writer.json`) created only if there is none (S3 `If-None-Match: *`; an exclusive link in a
 * folder), naming who holds it and until when. A second run finds it held and waits or stops — it never
 * touches the first run's staged files. The holder deletes it when done, only if it is still its own.
 *
 * A lease whose holder is gone — its time is up, or (locally) its process is no longer running — is
 * taken over by replacing exactly the version that was read (S3 `If-Match: <ETag>`; a per-version guard
 * in a folder), so of two runs taking over one stale lease, one does. Nothing needs a person.
 *
 * The CLI holds it for a whole command (src/cli/lake-lock.ts); in AWS the state machine's first step
 * takes it and its last releases it (lambdas/lease.ts).
 */

export interface LeaseRecord {
  /** Unique to one taking of the lease. */
  id: string;
  /** Who holds it, in words: "chainwatch run", "refresh execution 2026-02-03". */
  holder: string;
  /** The holding process and its machine, when it is a local process. */
  pid?: number;
  host?: string;
  startedAt: string;
  /** After this, the lease is stale whoever holds it. */
  expiresAt: string;
}

export interface Lease {
  record: LeaseRecord;
  /** The version of the lease object this holder wrote: release deletes only that version. */
  version: string;
}

export interface LeaseRequest {
  holder: string;
  pid?: number;
  host?: string;
  /** How long the lease lasts if it is never released (a killed run): longer than any run takes. */
  ttlMs: number;
  now?: Date;
  /** Whether a holder is known to be gone before its time is up (locally: its process is not running). */
  isGone?: (record: LeaseRecord) => boolean;
}

export type LeaseTake =
  | { taken: true; lease: Lease; tookOver?: { from: LeaseRecord; why: string } }
  | { taken: false; heldBy: LeaseRecord };

/** The holder in a sentence: "chainwatch run (pid 4242 on box, since 2026-02-01T06:00:00.000Z)". */
export function describeHolder(record: LeaseRecord): string {
  const where = record.pid !== undefined ? `pid ${record.pid}${record.host ? ` on ${record.host}` : ''}, ` : '';
  return `${record.holder} (${where}since ${record.startedAt})`;
}

const needs = (store: ObjectStore): Required<Pick<ObjectStore, 'getVersioned' | 'putIfAbsent' | 'replaceIf'>> => {
  const { getVersioned, putIfAbsent, replaceIf } = store;
  if (!getVersioned || !putIfAbsent || !replaceIf)
    throw new Error(`The store ${store.location} has no conditional writes: it cannot hold a lease`);
  return {
    getVersioned: getVersioned.bind(store),
    putIfAbsent: putIfAbsent.bind(store),
    replaceIf: replaceIf.bind(store),
  };
};

/** A lease object that does not parse was not written by a holder: it is as good as gone. */
function parse(bytes: Uint8Array): LeaseRecord | undefined {
  try {
    const record = JSON.parse(textOf(bytes)) as LeaseRecord;
    return typeof record?.id === 'string' && typeof record.expiresAt === 'string' ? record : undefined;
  } catch {
    return undefined;
  }
}

/** Why a lease may be taken over, or undefined while its holder may still be writing. */
function staleness(record: LeaseRecord | undefined, request: LeaseRequest, now: Date): string | undefined {
  if (!record) return 'the lease object was not one chainwatch writes';
  if (now.getTime() >= Date.parse(record.expiresAt)) return `its lease expired at ${record.expiresAt}`;
  if (request.isGone?.(record)) return `its process ${record.pid} on ${record.host} is no longer running`;
  return undefined;
}

/**
 * Take the lake's lease, or say who holds it. Never waits: the caller decides whether to try again
 * (the CLI polls up to its --wait; the state machine ends the execution as "another refresh is running").
 */
export async function takeLease(store: ObjectStore, request: LeaseRequest): Promise<LeaseTake> {
  const ops = needs(store);
  // A few rounds at most: each lost round means another writer changed the lease in between.
  for (let round = 0; round < 5; round++) {
    const now = request.now ?? new Date();
    const record: LeaseRecord = {
      id: randomUUID(),
      holder: request.holder,
      ...(request.pid !== undefined ? { pid: request.pid } : {}),
      ...(request.host !== undefined ? { host: request.host } : {}),
      startedAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + request.ttlMs).toISOString(),
    };
    const body = JSON.stringify(record, null, 2) + '\n';
    const created = await ops.putIfAbsent(LEASE_KEY, body);
    if (created) return { taken: true, lease: { record, version: created } };
    const current = await ops.getVersioned(LEASE_KEY);
    if (!current) continue; // released between the two calls
    const held = parse(current.body);
    const why = staleness(held, request, now);
    if (!why) return { taken: false, heldBy: held! };
    const replaced = await ops.replaceIf(LEASE_KEY, body, current.version);
    if (replaced) {
      const from = held ?? { id: '?', holder: 'an unreadable lease', startedAt: '?', expiresAt: '?' };
      return { taken: true, lease: { record, version: replaced }, tookOver: { from, why } };
    }
  }
  const current = await ops.getVersioned(LEASE_KEY);
  const held = current && parse(current.body);
  if (held) return { taken: false, heldBy: held };
  throw new Error(`The lease ${store.location}${LEASE_KEY} kept changing while this run tried to take it`);
}

/**
 * Give the lease back, if it is still this holder's (a holder whose lease was taken over after it
 * expired must not delete its successor's). Returns whether it was.
 */
export async function releaseLease(store: ObjectStore, lease: Pick<Lease, 'version'>): Promise<boolean> {
  if (!store.deleteIf) throw new Error(`The store ${store.location} has no conditional writes: it cannot hold a lease`);
  return store.deleteIf(LEASE_KEY, lease.version);
}
