/**
 * The handlers' shared logging and metrics (lambdas/operator.ts): JSON lines with the run id and step,
 * the secret masking of src/core/log.ts on every string of every line (messages, extra keys, errors and
 * their causes), and operator metrics in embedded metric format under the names src/core/operator-metrics.ts gives.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { emitMetric, emitSourceMetrics, logger, observed } from '../../lambdas/operator.ts';
import { handler as reportHandler } from '../../lambdas/report.ts';
import { UsageError } from '../../src/core/errors.ts';
import { registerSecret } from '../../src/core/log.ts';
import { OPERATOR_NAMESPACE, RUN_METRIC, SOURCE_METRIC, STEP_METRIC } from '../../src/core/operator-metrics.ts';
import { setEnv } from '../support/env.ts';
import { captureLambdaLog, emittedMetrics, logRecords } from '../support/lambda-log.ts';

const FROM_ENV = 'env-key-9f8e7d6c5b4a';
const FROM_SSM = 'ssm-key-0a1b2c3d4e5f';
let restore: (() => void) | undefined;
afterEach(() => restore?.());

describe('operator logging and metrics of the handlers', () => {
  it('masks every secret the process knows in every part of a log line, errors and their causes included', async () => {
    restore = setEnv({ COMTRADE_API_KEY: FROM_ENV });
    registerSecret(FROM_SSM);
    const { error, raw, records } = await captureLambdaLog(() =>
      observed('ingest', { runId: 'run-7', source: 'comtrade' }, async ({ log }) => {
        log(`GET https://comtradeapi.example/data?subscription-key=${FROM_ENV}&period=2025`);
        logger.info('extra keys too', { echoed: { header: `Ocp-Apim-Subscription-Key: ${FROM_SSM}` } });
        throw new Error(`the service answered 401 for key ${FROM_ENV}`, {
          cause: new Error(`upstream echoed ${FROM_SSM}`),
        });
      }),
    );
    expect((error as Error).message).toContain(FROM_ENV); // the error itself is unchanged for the caller
    expect(raw).not.toContain(FROM_ENV);
    expect(raw).not.toContain(FROM_SSM);
    const logs = logRecords(records);
    expect(logs.map((r) => r.level)).toEqual(['INFO', 'INFO', 'ERROR']);
    for (const r of logs) expect(r).toMatchObject({ runId: 'run-7', step: 'ingest', source: 'comtrade' });
    expect(logs[2].error.message).toMatch(/^the service answered 401 for key \S+$/);
    expect(logs[2].error.cause.message).toMatch(/^upstream echoed /);
  });

  it('leaves no key of one invocation on the next (a warm Lambda reuses the logger)', async () => {
    await captureLambdaLog(() => observed('ingest', { runId: 'run-1', source: 'usgs' }, async () => undefined));
    const { records } = await captureLambdaLog(() =>
      observed('report', { runId: 'run-2' }, async ({ log }) => log('publishing')),
    );
    expect(logRecords(records)).toEqual([
      expect.objectContaining({ message: 'publishing', runId: 'run-2', step: 'report' }),
    ]);
    expect(logRecords(records)[0]).not.toHaveProperty('source');
  });

  it('emits each metric with exactly the dimensions the alarms use: service, plus source or step', async () => {
    const { records } = await captureLambdaLog(async () => {
      emitSourceMetrics(
        'usgs',
        {
          rowsIn: 40,
          rowsOut: 36,
          rowsRejected: 4,
          status: 'stale',
          lastSuccess: { runId: 'r', at: '2026-01-01T00:00:00Z' },
        },
        true,
        new Date('2026-03-02T12:00:00Z'),
      );
      emitMetric(STEP_METRIC.durationMs, { step: 'metrics' }, 1200);
    });
    const metrics = emittedMetrics(records);
    for (const m of metrics) expect(m.namespace).toBe(OPERATOR_NAMESPACE);
    expect(metrics.map((m) => [m.name, m.dimensions, m.value])).toEqual([
      [SOURCE_METRIC.rowsIn, { service: expect.any(String), source: 'usgs' }, 40],
      [SOURCE_METRIC.rowsLanded, { service: expect.any(String), source: 'usgs' }, 36],
      [SOURCE_METRIC.rowsQuarantined, { service: expect.any(String), source: 'usgs' }, 4],
      [SOURCE_METRIC.stale, { service: expect.any(String), source: 'usgs' }, 1],
      [SOURCE_METRIC.dataAgeDays, { service: expect.any(String), source: 'usgs' }, 60],
      [STEP_METRIC.durationMs, { service: expect.any(String), step: 'metrics' }, 1200],
    ]);
  });

  it('counts, in the report step, the sources the run could not refresh (stale or failed)', async () => {
    restore = setEnv({ LAKE_BUCKET: undefined });
    const ingest = [
      { source: 'bundled', status: 'fresh' },
      { source: 'comtrade', status: 'stale' },
      { source: 'census', status: 'failed' },
    ];
    // Without a lake the step fails at once, after counting: the count does not depend on the publish.
    const { error, records } = await captureLambdaLog(() => reportHandler({ runId: 'run-9', ingest }));
    expect(error).toBeInstanceOf(UsageError);
    expect(emittedMetrics(records).find((m) => m.name === RUN_METRIC.sourcesStale)?.value).toBe(2);
    expect(logRecords(records).find((r) => r.level === 'ERROR')).toMatchObject({ runId: 'run-9', step: 'report' });
  });
});
