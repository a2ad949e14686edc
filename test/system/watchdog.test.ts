/**
 * The watchdog's age of the last successful refresh, against Step Functions on moto_server (which
 * runs the stand-in state machine): the days since its creation while it has never succeeded, then
 * the days since the last success. The overdue alarm (infra/stacks/operations.ts) compares this age.
 */
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  StartExecutionCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daysSinceLastRefresh, handler } from '../../lambdas/watchdog.ts';
import { RUN_METRIC } from '../../src/core/operator-metrics.ts';
import { setEnv } from '../support/env.ts';
import { captureLambdaLog, emittedMetrics } from '../support/lambda-log.ts';
import { executeStateMachines, MOTO_SDK_ENV, type Moto, sfnClientFor, claimMoto } from '../support/moto.ts';

const DAY = 86_400_000;
let moto: Moto;
let sfn: SFNClient;
let stateMachineArn: string;

beforeAll(async () => {
  moto = await claimMoto();
  await executeStateMachines(moto.endpoint);
  sfn = sfnClientFor(moto.endpoint);
  const definition = { StartAt: 'Refresh', States: { Refresh: { Type: 'Succeed' } } };
  ({ stateMachineArn } = (await sfn.send(
    new CreateStateMachineCommand({
      name: 'refresh',
      definition: JSON.stringify(definition),
      roleArn: 'arn:aws:iam::123456789012:role/x',
    }),
  )) as { stateMachineArn: string });
});

afterAll(async () => {
  sfn?.destroy();
  await moto?.stop();
});

describe('watchdog', () => {
  it('counts from the state machine’s creation while no refresh has succeeded, then from the last success', async () => {
    expect(await daysSinceLastRefresh(sfn, stateMachineArn, new Date(Date.now() + 3 * DAY + 60_000))).toBe(3);

    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: '{}' }));
    let execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    for (let i = 0; execution.status === 'RUNNING' && i < 50; i++) {
      await new Promise((r) => setTimeout(r, 100));
      execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    }
    expect(execution.status).toBe('SUCCEEDED');
    const stopped = execution.stopDate!.getTime();
    expect(await daysSinceLastRefresh(sfn, stateMachineArn, new Date(stopped + 36 * DAY))).toBe(36);
    expect(await daysSinceLastRefresh(sfn, stateMachineArn, new Date(stopped + 35 * DAY - 1))).toBe(34);
  });

  it('emits the age as the metric the overdue alarm reads, configured by environment as Lambda runs it', async () => {
    const restore = setEnv({ ...MOTO_SDK_ENV, AWS_ENDPOINT_URL: moto.endpoint, STATE_MACHINE_ARN: stateMachineArn });
    try {
      const { result, records } = await captureLambdaLog(() => handler());
      expect(result).toEqual({ daysSinceLastRefresh: 0 });
      expect(emittedMetrics(records).map((m) => [m.name, m.value])).toEqual([[RUN_METRIC.daysSinceLastRefresh, 0]]);
    } finally {
      restore();
    }
  });
});
