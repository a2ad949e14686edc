import { lakeStoreFromEnv } from '../src/adapters/s3-store/from-env.ts';
import { UsageError } from '../src/core/errors.ts';
import { describeHolder, releaseLease, takeLease } from '../src/core/lake/lease.ts';
import { logger } from './operator.ts';

/**
 * The state machine's first and last steps: take the lake's one-writer lease (src/core/lake/lease.ts)
 * before any source is ingested, give it back after the report (or after a failure). A second
 * execution that starts while one runs — a manual start overlapping the schedule, or the Scheduler
 * delivering twice — finds the lease held and ends cleanly as "another refresh is running", having
 * touched nothing. A lease an execution never gave back (it timed out, or was stopped) lapses after
 * `ttlSeconds`, which the stack sets above the state machine's own timeout, and is then taken over.
 */
export type LeaseEvent =
  | { action: 'take'; runId: string; ttlSeconds: number }
  | { action: 'release'; lease: { id: string; version: string } };

export type TakeResult =
  | { taken: true; lease: { id: string; version: string; expiresAt: string }; tookOver?: string }
  | { taken: false; heldBy: string };

/** What the Lambda runtime does not let tests set: the clock. */
export interface LeaseDeps {
  now?: () => Date;
}

function badEvent(event: unknown): UsageError {
  return new UsageError(
    `Not a lease event: ${JSON.stringify(event)}`,
    'Invoke with {"action": "take", "runId": "<execution name>", "ttlSeconds": <n>} or {"action": "release", "lease": {"id": "…", "version": "…"}}.',
  );
}

export async function handler(event: LeaseEvent, deps: LeaseDeps = {}): Promise<TakeResult | { released: boolean }> {
  const store = lakeStoreFromEnv();
  if (event?.action === 'take') {
    if (typeof event.runId !== 'string' || !(event.ttlSeconds > 0)) throw badEvent(event);
    const take = await takeLease(store, {
      holder: `refresh execution ${event.runId}`,
      ttlMs: event.ttlSeconds * 1000,
      now: deps.now?.(),
    });
    if (!take.taken) {
      logger.info(`another refresh is running: ${describeHolder(take.heldBy)}; this execution changes nothing`, {
        runId: event.runId,
      });
      return { taken: false, heldBy: describeHolder(take.heldBy) };
    }
    const { record, version } = take.lease;
    const tookOver =
      take.tookOver && `took over the lease of ${describeHolder(take.tookOver.from)}: ${take.tookOver.why}`;
    if (tookOver) logger.warn(tookOver, { runId: event.runId });
    return {
      taken: true,
      lease: { id: record.id, version, expiresAt: record.expiresAt },
      ...(tookOver ? { tookOver } : {}),
    };
  }
  if (event?.action === 'release') {
    if (typeof event.lease?.version !== 'string') throw badEvent(event);
    const released = await releaseLease(store, event.lease);
    // Not released: the lease lapsed and another execution holds it now; it is that one's to give back.
    if (!released) logger.warn(`lease ${event.lease.id} was no longer this execution's: left to its holder`);
    return { released };
  }
  throw badEvent(event);
}
