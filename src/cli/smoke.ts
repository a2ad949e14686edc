import { parseArgs } from 'node:util';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { DeploymentError, UsageError } from '../core/errors.ts';
import type { CommandIO } from './query.ts';

export const SMOKE_HELP = `chainwatch smoke — check a deployment end to end, after \`cdk deploy\`

Usage: chainwatch smoke --stack <pipeline stack> [--timeout <minutes>]

Reads the pipeline stack's outputs (StateMachineArn, SiteUrl), starts one refresh, waits for it to
end, then fetches the site's root and its releases page. Exit 0 when all of it worked; otherwise the
step that failed and what to look at. Uses your AWS credentials and region (AWS_PROFILE, AWS_REGION).

Options:
  -s, --stack <name>     the pipeline stack, e.g. chainwatch-dev-pipeline (required)
  -t, --timeout <min>    how long to wait for the run (default 120, the state machine's own limit)
  -h, --help             show this help`;

/** The site pages every build has: the root (newest release) and the list of releases. */
export const SMOKE_PAGES = ['', 'releases/index.html'] as const;

export interface SmokeDeps {
  cloudFormation?: CloudFormationClient;
  stepFunctions?: SFNClient;
  fetch?: typeof fetch;
  /** Wait between execution checks; default 10 s. */
  pollMs?: number;
}

const DEFAULT_TIMEOUT_MINUTES = 120;

async function stackOutputs(client: CloudFormationClient, stack: string): Promise<Record<string, string>> {
  try {
    const { Stacks } = await client.send(new DescribeStacksCommand({ StackName: stack }));
    return Object.fromEntries((Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey!, o.OutputValue!]));
  } catch (cause) {
    throw new UsageError(
      `Cannot read the outputs of stack "${stack}": ${(cause as Error).message}`,
      'Pass the pipeline stack (chainwatch-<stage>-pipeline) in the account and region of your AWS credentials.',
      { cause },
    );
  }
}

function output(outputs: Record<string, string>, key: string, stack: string): string {
  const value = outputs[key];
  if (!value) {
    throw new UsageError(
      `Stack "${stack}" has no output ${key}`,
      'Pass the pipeline stack (chainwatch-<stage>-pipeline), deployed from this version of chainwatch.',
    );
  }
  return value;
}

async function waitForExecution(
  client: SFNClient,
  executionArn: string,
  deadline: number,
  pollMs: number,
): Promise<DescribeExecutionCommandOutput> {
  for (;;) {
    const execution = await client.send(new DescribeExecutionCommand({ executionArn }));
    if (execution.status !== 'RUNNING' && execution.status !== 'PENDING_REDRIVE') return execution;
    if (Date.now() + pollMs > deadline) {
      throw new DeploymentError(
        `The refresh ${executionArn} is still running after the smoke timeout`,
        'It goes on in AWS: follow it in the Step Functions console, or run smoke again with a longer --timeout.',
      );
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/**
 * `chainwatch smoke --stack <name>`: the post-deploy check of the first-deploy checklist (docs/deploy.md).
 * Every resource comes from the stack's outputs, so it checks what was deployed, not what the local
 * configuration says.
 */
export async function smokeCommand(args: string[], io: CommandIO, deps: SmokeDeps = {}): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      stack: { type: 'string', short: 's' },
      timeout: { type: 'string', short: 't' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return io.out(SMOKE_HELP);
  if (!values.stack)
    throw new UsageError(
      'chainwatch smoke needs --stack',
      'Pass the pipeline stack, e.g. --stack chainwatch-dev-pipeline.',
    );
  const minutes = Number(values.timeout ?? DEFAULT_TIMEOUT_MINUTES);
  if (!(minutes > 0))
    throw new UsageError(
      `--timeout "${values.timeout}" is not a number of minutes`,
      'Pass a positive number, e.g. --timeout 30.',
    );
  const cloudFormation = deps.cloudFormation ?? new CloudFormationClient({});
  const stepFunctions = deps.stepFunctions ?? new SFNClient({});
  const get = deps.fetch ?? fetch;
  try {
    const outputs = await stackOutputs(cloudFormation, values.stack);
    const stateMachineArn = output(outputs, 'StateMachineArn', values.stack);
    const siteUrl = output(outputs, 'SiteUrl', values.stack);

    const { executionArn } = await stepFunctions.send(
      new StartExecutionCommand({
        stateMachineArn,
        name: `smoke-${Date.now()}`,
        input: JSON.stringify({ trigger: 'smoke' }),
      }),
    );
    io.out(`started ${executionArn}`);
    const execution = await waitForExecution(
      stepFunctions,
      executionArn!,
      Date.now() + minutes * 60_000,
      deps.pollMs ?? 10_000,
    );
    if (execution.status !== 'SUCCEEDED') {
      throw new DeploymentError(
        `The refresh ended ${execution.status}${execution.error ? `: ${execution.error}` : ''}${execution.cause ? ` — ${execution.cause}` : ''}`,
        "See the execution history in the Step Functions console and the failed step's log group; the alarm topic has the same notice.",
      );
    }
    io.out(`✓ refresh ${execution.name} succeeded`);

    for (const page of SMOKE_PAGES) {
      const url = new URL(page, siteUrl).href;
      const response = await get(url).catch((cause: unknown) => {
        throw new DeploymentError(
          `Cannot reach ${url}: ${(cause as Error).message}`,
          'Check the distribution in the site stack and your network.',
          { cause },
        );
      });
      const type = response.headers.get('content-type') ?? '';
      if (!response.ok || !type.startsWith('text/html')) {
        throw new DeploymentError(
          `${url} answered ${response.status} ${type || '(no content type)'}`,
          'The site pointer may name a build that is not in the site bucket: check the report step\'s log and the key value store (docs/deploy.md, "Roll the site back").',
        );
      }
      io.out(`✓ ${url} ${response.status} ${type}`);
    }
    io.out('smoke check passed');
  } finally {
    if (!deps.cloudFormation) cloudFormation.destroy();
    if (!deps.stepFunctions) stepFunctions.destroy();
  }
}
