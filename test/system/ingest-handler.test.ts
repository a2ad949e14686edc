/**
 * The ingest Lambda handler as Lambda runs it: configured only by environment (LAKE_BUCKET,
 * LAKE_PREFIX, and the SDK's own AWS_* settings, pointed at moto_server), invoked with the
 * Step Functions event, from a small task root (test/support/small-task-root.ts).
 */
import { CreateBucketCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.ts';
import { setEnv } from '../support/env.ts';
import { captureLambdaLog, emittedMetrics, logRecords } from '../support/lambda-log.ts';
import { OPERATOR_NAMESPACE, SOURCE_METRIC, STEP_METRIC } from '../../src/core/operator-metrics.ts';
import { s3ClientFor, MOTO_SDK_ENV, claimMoto, type Moto } from '../support/moto.ts';
import { smallTaskRoot } from '../support/small-task-root.ts';

let moto: Moto;
let s3: S3Client;
let restoreEnv: () => void;
let taskRoot: string;
let handler: typeof import('../../lambdas/ingest.ts').handler;

beforeAll(async () => {
  moto = await claimMoto();
  s3 = s3ClientFor(moto.endpoint);
  await s3.send(new CreateBucketCommand({ Bucket: 'handler-lake' }));
  taskRoot = await smallTaskRoot();
  restoreEnv = setEnv({
    LAKE_BUCKET: undefined,
    LAKE_PREFIX: undefined,
    AWS_ENDPOINT_URL_S3: moto.endpoint,
    LAMBDA_TASK_ROOT: taskRoot,
    ...MOTO_SDK_ENV,
  });
  ({ handler } = await import('../../lambdas/ingest.ts'));
});

afterAll(async () => {
  restoreEnv?.();
  s3?.destroy();
  await moto?.stop();
  if (taskRoot) await rm(taskRoot, { recursive: true, force: true });
});

describe('ingest Lambda handler', () => {
  it('ingests the bundled source into the bucket under LAKE_PREFIX and returns the summary', async () => {
    process.env.LAKE_BUCKET = 'handler-lake';
    process.env.LAKE_PREFIX = 'lake/';
    const { result, records } = await captureLambdaLog(() => handler({ source: 'bundled', runId: 'sfn-execution-1' }));
    const summary = result!;
    // Progress goes to the function's log (CloudWatch) as JSON lines, each with the run id, step and source.
    const logs = logRecords(records);
    expect(logs.map((r) => r.message)).toContainEqual(
      expect.stringMatching(/^curated\/trade_flows: \d+ rows in \d+ partitions?$/),
    );
    for (const r of logs)
      expect(r, r.message).toMatchObject({
        level: 'INFO',
        runId: 'sfn-execution-1',
        step: 'ingest',
        source: 'bundled',
      });
    // The operator metrics, in embedded metric format: the source's rows and the step's duration.
    const metrics = emittedMetrics(records);
    for (const m of metrics) expect(m.namespace).toBe(OPERATOR_NAMESPACE);
    const bySource = (name: string) => metrics.find((m) => m.name === name && m.dimensions.source === 'bundled');
    expect(bySource(SOURCE_METRIC.rowsIn)?.value).toBe(summary.rowsIn);
    expect(bySource(SOURCE_METRIC.rowsLanded)?.value).toBe(summary.rowsOut);
    expect(bySource(SOURCE_METRIC.rowsQuarantined)?.value).toBe(summary.rowsRejected);
    // The bundled data cannot go stale: no staleness or age for it.
    expect(metrics.filter((m) => m.name === SOURCE_METRIC.stale || m.name === SOURCE_METRIC.dataAgeDays)).toEqual([]);
    expect(metrics.find((m) => m.name === STEP_METRIC.durationMs)).toMatchObject({
      dimensions: { service: expect.any(String), step: 'ingest' },
    });
    expect(summary).toMatchObject({
      runId: 'sfn-execution-1-bundled',
      source: 'bundled',
      outcome: 'succeeded',
      manifestKey: '_runs/sfn-execution-1-bundled.json',
    });
    expect(summary.rowsIn, 'rows read from the task root').toBeLessThan(1000);
    expect(summary.rowsIn + summary.rowsDerived).toBe(summary.rowsOut + summary.rowsRejected + summary.rowsDuplicate);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'handler-lake', Prefix: 'lake/_runs/' }));
    expect(listed.Contents?.map((o) => o.Key)).toEqual(['lake/_runs/sfn-execution-1-bundled.json']);
  });

  it('logs a failed step as one JSON error line with the run id, and still emits its duration', async () => {
    delete process.env.LAKE_BUCKET;
    const { error, records } = await captureLambdaLog(() => handler({ source: 'bundled', runId: 'sfn-execution-2' }));
    expect(error).toBeInstanceOf(UsageError);
    const failure = logRecords(records).find((r) => r.level === 'ERROR');
    expect(failure).toMatchObject({
      message: 'ingest failed',
      runId: 'sfn-execution-2',
      step: 'ingest',
      source: 'bundled',
      error: { message: 'Environment variable LAKE_BUCKET is not set' },
    });
    expect(emittedMetrics(records).map((m) => m.name)).toEqual([STEP_METRIC.durationMs]);
  });

  it('refuses an unknown source and a missing LAKE_BUCKET with what to do', async () => {
    await expect(handler({ source: 'nope' })).rejects.toThrow(/Unknown ingest source "nope"/);
    delete process.env.LAKE_BUCKET;
    const { error } = await captureLambdaLog(() => handler({ source: 'bundled' }));
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toBe('Environment variable LAKE_BUCKET is not set');
  });
});
