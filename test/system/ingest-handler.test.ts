/**
 * The ingest Lambda handler as Lambda runs it: configured only by environment (LAKE_BUCKET,
 * LAKE_PREFIX, and the SDK's own AWS_* settings, pointed at moto_server), invoked with the
 * Step Functions event.
 */
import { CreateBucketCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { handler } from '../../lambdas/ingest.ts';
import { UsageError } from '../../src/core/errors.ts';
import { setEnv } from '../support/env.ts';
import { s3ClientFor, MOTO_SDK_ENV, startMoto, type Moto } from '../support/moto.ts';

let moto: Moto;
let s3: S3Client;
let restoreEnv: () => void;

beforeAll(async () => {
  moto = await startMoto();
  s3 = s3ClientFor(moto.endpoint);
  await s3.send(new CreateBucketCommand({ Bucket: 'handler-lake' }));
  restoreEnv = setEnv({
    LAKE_BUCKET: undefined,
    LAKE_PREFIX: undefined,
    AWS_ENDPOINT_URL_S3: moto.endpoint,
    ...MOTO_SDK_ENV,
  });
});

afterAll(async () => {
  restoreEnv?.();
  s3?.destroy();
  await moto?.stop();
});

describe('ingest Lambda handler', () => {
  it('ingests the bundled source into the bucket under LAKE_PREFIX and returns the summary', async () => {
    process.env.LAKE_BUCKET = 'handler-lake';
    process.env.LAKE_PREFIX = 'lake/';
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const summary = await handler({ source: 'bundled', runId: 'sfn-execution-1' });
    // Progress goes to the function's log (CloudWatch), one line per step.
    expect(log.mock.calls.map(([line]) => String(line))).toContainEqual(
      expect.stringMatching(/^curated\/trade_flows: \d+ rows in \d+ partitions$/),
    );
    log.mockRestore();
    expect(summary).toMatchObject({
      runId: 'sfn-execution-1-bundled',
      source: 'bundled',
      outcome: 'succeeded',
      manifestKey: '_runs/sfn-execution-1-bundled.json',
    });
    expect(summary.rowsIn + summary.rowsDerived).toBe(summary.rowsOut + summary.rowsRejected + summary.rowsDuplicate);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'handler-lake', Prefix: 'lake/_runs/' }));
    expect(listed.Contents?.map((o) => o.Key)).toEqual(['lake/_runs/sfn-execution-1-bundled.json']);
  });

  it('refuses an unknown source and a missing LAKE_BUCKET with what to do', async () => {
    await expect(handler({ source: 'nope' })).rejects.toThrow(/Unknown ingest source "nope"/);
    delete process.env.LAKE_BUCKET;
    const error = await handler({ source: 'bundled' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toBe('Environment variable LAKE_BUCKET is not set');
  });
});
