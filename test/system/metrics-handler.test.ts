/**
 * The metrics Lambda handler as Lambda runs it (configured by environment, the SDK pointed at
 * moto_server's S3 and Athena): it refuses to compute over an ingest that committed but did not
 * finish moving its files, before it starts a single Athena query.
 */
import { metricSqlFiles } from '../../src/core/sql/metric-sql.ts';
import { CreateWorkGroupCommand, ListQueryExecutionsCommand, type AthenaClient } from '@aws-sdk/client-athena';
import { CreateBucketCommand, DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler } from '../../lambdas/metrics.ts';

import { InputError } from '../../src/core/errors.ts';
import { captureLambdaLog, emittedMetrics, logRecords } from '../support/lambda-log.ts';
import { RUN_METRIC } from '../../src/core/operator-metrics.ts';
import { setEnv } from '../support/env.ts';
import { athenaClientFor, s3ClientFor, MOTO_SDK_ENV, claimMoto, type Moto } from '../support/moto.ts';

const BUCKET = 'metrics-lake';
const WORKGROUP = 'chainwatch-metrics-test';
/** What a kill between an ingest's commit marker and the end of its write-out leaves behind. */
const MARKER = 'lake/_staging/ingest/census/run-killed/_COMMIT.json';

let moto: Moto;
let s3: S3Client;
let athena: AthenaClient;
let restoreEnv: () => void;

beforeAll(async () => {
  moto = await claimMoto();
  s3 = s3ClientFor(moto.endpoint);
  athena = athenaClientFor(moto.endpoint);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await athena.send(new CreateWorkGroupCommand({ Name: WORKGROUP, Configuration: {} }));
  restoreEnv = setEnv({
    LAKE_BUCKET: BUCKET,
    LAKE_PREFIX: 'lake/',
    ATHENA_WORKGROUP: WORKGROUP,
    GLUE_DATABASE: 'chainwatch',
    AWS_ENDPOINT_URL: moto.endpoint,
    ...MOTO_SDK_ENV,
  });
});

afterAll(async () => {
  restoreEnv?.();
  s3?.destroy();
  athena?.destroy();
  await moto?.stop();
});

const queries = async () =>
  (await athena.send(new ListQueryExecutionsCommand({ WorkGroup: WORKGROUP }))).QueryExecutionIds ?? [];

describe('metrics Lambda handler', () => {
  it('refuses to run over a pending ingest commit, names the source and how to finish it, and starts no query', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: MARKER, Body: '{}' }));
    const { error, records } = await captureLambdaLog(() => handler());
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toBe(
      'An interrupted ingest of census has not finished moving its files into the lake',
    );
    expect((error as InputError).hint).toMatch(/ingest Lambda of census with \{"source": "census", "recover": true\}/);
    // CloudWatch gets the same reason and what to do, on the failed run's one error line.
    expect(logRecords(records).filter((r) => r.level === 'ERROR')).toEqual([
      expect.objectContaining({
        message: 'metrics failed',
        error: expect.objectContaining({ message: (error as InputError).message, hint: (error as InputError).hint }),
      }),
    ]);
    expect(await queries()).toEqual([]);
  });

  it('runs the metric queries once only undecided staging is left (a run killed before its marker changed nothing)', async () => {
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: MARKER }));
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'lake/_staging/ingest/census/run-early/objects/curated/x.parquet',
        Body: 'staged',
      }),
    );
    const { result: computed, records } = await captureLambdaLog(() => handler({ runId: 'sfn-9' }));
    const result = computed!;
    const metrics = emittedMetrics(records).map((m) => m.name);
    expect(metrics).toContain(RUN_METRIC.bytesScanned);
    expect(logRecords(records).every((r) => r.runId === 'sfn-9' && r.step === 'metrics')).toBe(true);
    // moto runs no SQL (every query answers with no rows): what counts is that the step got past the check.
    expect(Object.keys(result.tables).sort()).toEqual(
      metricSqlFiles()
        .map((f) => f.table)
        .sort(),
    );
    expect((await queries()).length).toBeGreaterThan(0);
  });
});
