import { DescribeStateMachineCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { ENV, requireEnv } from '../src/core/env.ts';
import { RUN_METRIC } from '../src/core/operator-metrics.ts';
import { emitMetric, logger } from './operator.ts';

const DAY_MS = 86_400_000;

/**
 * Days since the refresh state machine last succeeded — or, when it never has, since it was created —
 * so a deployment whose schedule stopped, or whose runs all fail, shows an age that grows every day.
 * ListExecutions returns the most recent execution first.
 */
export async function daysSinceLastRefresh(client: SFNClient, stateMachineArn: string, now: Date): Promise<number> {
  const { executions } = await client.send(
    new ListExecutionsCommand({ stateMachineArn, statusFilter: 'SUCCEEDED', maxResults: 1 }),
  );
  const since =
    executions?.[0]?.stopDate ?? (await client.send(new DescribeStateMachineCommand({ stateMachineArn }))).creationDate;
  if (!since)
    throw new Error(`State machine ${stateMachineArn} reported neither a successful execution nor a creation date`);
  return Math.floor((now.getTime() - since.getTime()) / DAY_MS);
}

/**
 * Daily watchdog: CloudWatch alarms look back at most seven days, so "no successful refresh in 35
 * days" needs a metric that carries the age itself. This emits it; the overdue alarm compares it.
 */
export async function handler(): Promise<{ daysSinceLastRefresh: number }> {
  const stateMachineArn = requireEnv(ENV.stateMachineArn);
  const client = new SFNClient({});
  try {
    const days = await daysSinceLastRefresh(client, stateMachineArn, new Date());
    emitMetric(RUN_METRIC.daysSinceLastRefresh, {}, days);
    logger.info(`the refresh last succeeded ${days} days ago`, { stateMachineArn });
    return { daysSinceLastRefresh: days };
  } finally {
    client.destroy();
  }
}
