/**
 * The Step Functions path of the refresh: the ingest Lambda handler for a live source, configured
 * only by environment (LAKE_BUCKET, <SOURCE>_API_KEY_PARAM, the SDK's AWS_* settings pointed at
 * moto_server for S3 and SSM), with the HTTP seam replaying committed fixtures.
 */
import { readFileSync } from 'node:fs';
import { CreateBucketCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayHttp, type Route } from '../support/replay-http.ts';
import { UsageError } from '../../src/core/errors.ts';
import { handleIngest } from '../../lambdas/ingest.ts';
import { setEnv } from '../support/env.ts';
import { captureLambdaLog, emittedMetrics, logRecords } from '../support/lambda-log.ts';
import { SOURCE_METRIC } from '../../src/core/operator-metrics.ts';
import { s3ClientFor, MOTO_SDK_ENV, claimMoto, type Moto } from '../support/moto.ts';

const SECRET = 'census-key-from-ssm';
const IMPORTS = readFileSync(
  new URL('../fixtures/census/imports-854231-2024-07_2025-06.synthetic.json', import.meta.url),
  'utf8',
);
const CENSUS: Route[] = [
  { path: '/imports/hs', query: { I_COMMODITY: '854231' }, replies: [{ body: IMPORTS }] },
  { path: '/imports/hs', replies: [{ status: 204 }] },
  { path: '/exports/hs', replies: [{ status: 204 }] },
];
const deps = (routes: Route[]) => {
  const http = replayHttp(routes);
  return {
    http,
    deps: {
      http: { http, sleep: async () => {}, random: () => 0, policy: { retries: 1 } },
      now: () => new Date('2025-08-03T06:00:00Z'),
    },
  };
};

let moto: Moto;
let s3: S3Client;
let restoreEnv: () => void;

beforeAll(async () => {
  moto = await claimMoto();
  s3 = s3ClientFor(moto.endpoint);
  await s3.send(new CreateBucketCommand({ Bucket: 'refresh-lake' }));
  const ssm = new SSMClient({
    endpoint: moto.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  await ssm.send(new PutParameterCommand({ Name: '/chainwatch/census-key', Type: 'SecureString', Value: SECRET }));
  ssm.destroy();
  restoreEnv = setEnv({
    LAKE_BUCKET: 'refresh-lake',
    LAKE_PREFIX: undefined,
    AWS_ENDPOINT_URL_S3: moto.endpoint,
    AWS_ENDPOINT_URL_SSM: moto.endpoint,
    ...MOTO_SDK_ENV,
    CENSUS_API_KEY: undefined,
    CENSUS_API_KEY_PARAM: undefined,
    COMTRADE_API_KEY: undefined,
    COMTRADE_API_KEY_PARAM: undefined,
  });
});

afterAll(async () => {
  restoreEnv?.();
  s3?.destroy();
  await moto?.stop();
});

describe('ingest Lambda handler, live sources', () => {
  it('refreshes Census for the default period with the key from SSM, never logging it', async () => {
    process.env.CENSUS_API_KEY_PARAM = '/chainwatch/census-key';
    const { http, deps: d } = deps(CENSUS);
    const { result, raw, records } = await captureLambdaLog(() =>
      handleIngest({ source: 'census', runId: 'sfn-1' }, d),
    );
    const summary = result!;
    const logged = logRecords(records).map((r) => r.message as string);

    expect(summary).toMatchObject({
      runId: 'sfn-1-census',
      source: 'census',
      outcome: 'succeeded',
      status: 'fresh',
      manifestKey: '_runs/sfn-1-census.json',
    });
    // Run on 2025-08-03: the default period is 2025-06, so the window is 2024-07..2025-06.
    expect(new URL(http.calls[0].url).searchParams.get('time')).toBe('from 2024-07 to 2025-06');
    expect(http.calls.every((c) => new URL(c.url).searchParams.get('key') === SECRET)).toBe(true);
    // Not in any line of the function's log: messages, keys, metrics.
    expect(raw.includes(SECRET)).toBe(false);
    // A live source reports whether it went stale and how old its data are (0 days: it just delivered).
    const census = emittedMetrics(records).filter((m) => m.dimensions.source === 'census');
    expect(census.find((m) => m.name === SOURCE_METRIC.stale)?.value).toBe(0);
    expect(census.find((m) => m.name === SOURCE_METRIC.dataAgeDays)?.value).toBe(0);
    expect(logged).toContainEqual(expect.stringMatching(/^census\s+\[#+\] 54\/54 done$/));
    const listed = await s3.send(
      new ListObjectsV2Command({ Bucket: 'refresh-lake', Prefix: 'curated/trade_flows/source=census/' }),
    );
    expect(listed.Contents?.length).toBe(13);
    const state = await s3.send(new ListObjectsV2Command({ Bucket: 'refresh-lake', Prefix: '_state/' }));
    expect(state.Contents?.map((o) => o.Key)).toEqual(['_state/census.json']);
  });

  it('reports a source that is down as stale, and the step still succeeds', async () => {
    const { deps: d } = deps([{ path: '/public/v1/preview/C/A/HS', replies: [{ status: 503 }] }]);
    const { result, records } = await captureLambdaLog(() =>
      handleIngest({ source: 'comtrade', runId: 'sfn-2', period: '2025-06' }, d),
    );
    const summary = result!;
    expect(
      emittedMetrics(records).find((m) => m.name === SOURCE_METRIC.stale && m.dimensions.source === 'comtrade')?.value,
    ).toBe(1);
    expect(summary).toMatchObject({
      outcome: 'succeeded',
      status: 'stale',
      rowsOut: 0,
      manifestKey: '_runs/sfn-2-comtrade.json',
    });
  });

  it('names a missing SSM parameter and what to do', async () => {
    process.env.CENSUS_API_KEY_PARAM = '/chainwatch/missing';
    const { error, records } = await captureLambdaLog(() =>
      handleIngest({ source: 'census', runId: 'sfn-3' }, deps(CENSUS).deps),
    );
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toMatch(/SSM parameter \/chainwatch\/missing cannot be read/);
    expect((error as UsageError).hint).toMatch(/SecureString/);
    // CloudWatch gets the same reason and what to do, on the failed run's one error line.
    expect(logRecords(records).filter((r) => r.level === 'ERROR')).toEqual([
      expect.objectContaining({
        message: 'ingest failed',
        runId: 'sfn-3',
        error: expect.objectContaining({ message: (error as UsageError).message, hint: (error as UsageError).hint }),
      }),
    ]);
  });
});
