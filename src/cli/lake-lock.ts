import { hostname } from 'node:os';
import { LakeBusyError } from '../core/errors.ts';
import { claimLake } from '../core/lake/lake-marker.ts';
import { describeHolder, releaseLease, takeLease, type LeaseRecord } from '../core/lake/lease.ts';
import { isRunning } from '../core/process-alive.ts';
import type { ObjectStore } from '../core/seams/object-store.ts';

/**
 * The local edge of the one-writer lease: a CLI command that writes to a lake holds its lock from start
 * to end. A lock whose process is gone (same machine) is taken over, with a message; one held by a
 * running process is waited for, up to `waitSeconds`, then the command stops with who holds it.
 */
export interface LakeLockOptions {
  /** The command, for the lock's holder and messages ("run", "ingest", …). */
  command: string;
  /** How long to wait for another writer to finish (0: do not wait). */
  waitSeconds: number;
  log: (line: string) => void;
}

/**
 * A lock lasts at most this long if its holder is never seen to end (another machine's process on a
 * shared folder); on this machine a dead holder is noticed at once. Longer than any local run.
 */
const LOCAL_LEASE_TTL_MS = 24 * 60 * 60 * 1000;
const POLL_MS = 250;

const localHolderGone = (record: LeaseRecord): boolean =>
  record.host === hostname() && record.pid !== undefined && !isRunning(record.pid);

export async function withLakeLock<T>(store: ObjectStore, o: LakeLockOptions, work: () => Promise<T>): Promise<T> {
  if ((await claimLake(store)) === 'adopted')
    o.log(`lake     ${store.location} was made by an earlier chainwatch: marked as a chainwatch lake`);
  const request = {
    holder: `chainwatch ${o.command}`,
    pid: process.pid,
    host: hostname(),
    ttlMs: LOCAL_LEASE_TTL_MS,
    isGone: localHolderGone,
  };
  const deadline = Date.now() + o.waitSeconds * 1000;
  let waiting: LeaseRecord | undefined;
  for (;;) {
    const take = await takeLease(store, request);
    if (take.taken) {
      if (take.tookOver)
        o.log(`lake     took over the lock of ${describeHolder(take.tookOver.from)}: ${take.tookOver.why}`);
      try {
        return await work();
      } finally {
        await releaseLease(store, take.lease);
      }
    }
    if (Date.now() >= deadline) {
      throw new LakeBusyError(
        `Another chainwatch is writing to the lake ${store.location}: ${describeHolder(take.heldBy)}`,
        `Run this again when it has finished (or pass --wait <seconds> to wait for it); nothing was changed. If that process is gone, the next run takes its lock over by itself.`,
      );
    }
    if (waiting?.id !== take.heldBy.id) {
      waiting = take.heldBy;
      o.log(`lake     waiting up to ${o.waitSeconds} s for ${describeHolder(waiting)} to finish`);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, Math.max(0, deadline - Date.now()))));
  }
}
