/**
 * One refresh at a time in AWS: the state machine's first step takes the lake's lease (lambdas/lease.ts,
 * an S3 conditional PUT with If-None-Match: *) and its last step gives it back. Each execution here is
 * modelled as the handler calls the state machine makes — take the lease; if taken, the ingest Lambda for
 * the bundled source (the step that used to discard another run's staging); give the lease back — against
 * a real S3 API (moto_server). The ingest Lambda runs from a small task root (test/support/small-task-root.ts),
 * so that the step a lease guards takes a fraction of a second.
 */
import { CreateBucketCommand, PutBucketVersioningCommand, type S3Client } from '@aws-sdk/client-s3';
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { handler as lease, type TakeResult } from '../../lambdas/lease.ts';
import { S3ObjectStore } from '../../src/adapters/s3-store/s3-store.ts';
import { LEASE_KEY } from '../../src/core/lake/layout.ts';
import type { IngestManifest } from '../../src/core/lake/manifest.ts';
import { getJson } from '../../src/core/seams/object-store.ts';
import { setEnv } from '../support/env.ts';
import { captureLambdaLog, logRecords } from '../support/lambda-log.ts';
import { smallTaskRoot } from '../support/small-task-root.ts';
import { MOTO_SDK_ENV, s3ClientFor, claimMoto, type Moto } from '../support/moto.ts';

/** The stack's value: the state machine's 2-hour timeout and a margin. */
const TTL_SECONDS = 130 * 60;

let moto: Moto;
let s3: S3Client;
let restoreEnv: () => void;
let store: S3ObjectStore;
let lakeNumber = 0;
let taskRoot: string;
let handleIngest: typeof import('../../lambdas/ingest.ts').handleIngest;

beforeAll(async () => {
  moto = await claimMoto();
  s3 = s3ClientFor(moto.endpoint);
  taskRoot = await smallTaskRoot();
  restoreEnv = setEnv({
    LAKE_PREFIX: undefined,
    AWS_ENDPOINT_URL_S3: moto.endpoint,
    LAMBDA_TASK_ROOT: taskRoot,
    ...MOTO_SDK_ENV,
  });
  // Imported once the task root is set: the handler finds its shipped files there when it loads.
  ({ handleIngest } = await import('../../lambdas/ingest.ts'));
});

beforeEach(async () => {
  // A fresh, versioned lake bucket per test, as the storage stack makes it.
  const bucket = `lease-lake-${lakeNumber++}`;
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  process.env.LAKE_BUCKET = bucket;
  store = new S3ObjectStore({ bucket, client: s3 });
});

afterAll(async () => {
  restoreEnv?.();
  s3?.destroy();
  await moto?.stop();
  if (taskRoot) await rm(taskRoot, { recursive: true, force: true });
});

interface Execution {
  name: string;
  take: TakeResult;
  ingested: boolean;
}

/** One state-machine execution: take the lease → ingest → release; or end at once if the lease is held. */
async function execution(name: string, o: { release?: boolean; now?: () => Date } = {}): Promise<Execution> {
  const take = (await lease({ action: 'take', runId: name, ttlSeconds: TTL_SECONDS }, { now: o.now })) as TakeResult;
  if (!take.taken) return { name, take, ingested: false };
  const summary = await handleIngest({ source: 'bundled', runId: name });
  // The task root's small set, not the checkout's bundled data (tens of thousands of rows).
  expect(summary.rowsIn, 'rows read from the task root').toBeLessThan(1000);
  if (o.release ?? true) expect(await lease({ action: 'release', lease: take.lease })).toEqual({ released: true });
  return { name, take, ingested: true };
}

/**
 * Run the handlers with what they log captured (test/support/lambda-log.ts): checked here, where the log says what
 * happened to an execution, and not printed into the suite's output.
 */
async function logged<T>(work: () => Promise<T>): Promise<{ result: T; log: string[] }> {
  const { result, error, records } = await captureLambdaLog(work);
  if (error !== undefined) throw error;
  return { result: result as T, log: logRecords(records).map((r) => `${r.level} ${r.message}`) };
}

/** The lake is consistent: no staged or committed-but-unapplied writes, every manifest finished. */
async function expectConsistent(): Promise<void> {
  expect(await store.list('_staging/')).toEqual([]);
  for (const key of await store.list('_runs/')) {
    expect((await getJson<IngestManifest>(store, key))!.outcome, key).toBe('succeeded');
  }
}

describe('two executions of the refresh at once', () => {
  it('one runs, the other ends at once as "another refresh is running"; the lake is consistent; the next one runs', async () => {
    const {
      result: [a, b],
      log,
    } = await logged(() => Promise.all([execution('exec-a'), execution('exec-b')]));
    const ran = [a, b].filter((e) => e.ingested);
    const stopped = [a, b].filter((e) => !e.ingested);
    expect(ran).toHaveLength(1);
    expect(stopped).toHaveLength(1);
    expect(stopped[0].take).toEqual({
      taken: false,
      heldBy: expect.stringMatching(new RegExp(`^refresh execution ${ran[0].name} \\(since `)),
    });
    expect(log).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^INFO another refresh is running: refresh execution ${ran[0].name} \\(since .*\\); this execution changes nothing$`,
        ),
      ),
    );
    expect(await store.list('_runs/')).toEqual([`_runs/${ran[0].name}-bundled.json`]);
    await expectConsistent();
    expect(await store.exists(LEASE_KEY)).toBe(false);

    const { result: c } = await logged(() => execution('exec-c'));
    expect(c.ingested).toBe(true);
    await expectConsistent();
  });

  it('of many executions started at once, exactly one takes the lease', async () => {
    const { result: takes, log } = await logged(() =>
      Promise.all(
        Array.from({ length: 8 }, (_, i) => lease({ action: 'take', runId: `burst-${i}`, ttlSeconds: TTL_SECONDS })),
      ),
    );
    expect((takes as TakeResult[]).filter((t) => t.taken)).toHaveLength(1);
    expect(log.filter((line) => line.startsWith('INFO another refresh is running: '))).toHaveLength(7);
  });
});

describe('an execution that never gave the lease back (timed out, stopped)', () => {
  it('blocks the next one until the lease lapses; then the next one takes it over, runs and releases', async () => {
    const start = new Date('2026-03-03T06:00:00Z');
    const { result: dead } = await logged(() => execution('exec-dead', { release: false, now: () => start }));
    expect(dead.ingested).toBe(true);

    const { result: early } = await logged(() =>
      execution('exec-early', { now: () => new Date(start.getTime() + 60 * 60_000) }),
    );
    expect(early.ingested).toBe(false);

    const late = new Date(start.getTime() + (TTL_SECONDS + 1) * 1000);
    const { result: next, log } = await logged(() => execution('exec-late', { now: () => late }));
    expect(next.ingested).toBe(true);
    expect(next.take).toMatchObject({
      taken: true,
      tookOver: expect.stringMatching(/took over the lease of refresh execution exec-dead .*: its lease expired at /),
    });
    expect(log).toContain(`WARN ${(next.take as Extract<TakeResult, { taken: true }>).tookOver}`);
    // The lapsed execution's late release must not delete its successor's lease.
    const successor = await lease({ action: 'take', runId: 'exec-x', ttlSeconds: TTL_SECONDS });
    expect(successor).toMatchObject({ taken: true });
    const deadLease = (dead.take as Extract<TakeResult, { taken: true }>).lease;
    const release = await logged(() => lease({ action: 'release', lease: deadLease }));
    expect(release.result).toEqual({ released: false });
    expect(release.log).toEqual([`WARN lease ${deadLease.id} was no longer this execution's: left to its holder`]);
    expect(await store.exists(LEASE_KEY)).toBe(true);
    await expectConsistent();
  });

  it('refuses an event it does not know, with what to send', async () => {
    await expect(lease({ action: 'grab' } as never)).rejects.toThrow(/Not a lease event/);
  });
});
