/**
 * `chainwatch smoke --stack <name>` against real AWS APIs on loopback: moto_server's CloudFormation
 * (the stack and its outputs) and Step Functions (moto runs the state machine), and the built site
 * served over HTTP on loopback in place of CloudFront. The chainwatch state machine itself needs
 * Lambda, which moto cannot run here, so stand-in state machines succeed or fail as a refresh would.
 */
import { CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { CreateStateMachineCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { type SiteServer, serveSite } from '../../src/cli/serve-site.ts';
import { smokeCommand } from '../../src/cli/smoke.ts';
import { DeploymentError, UsageError } from '../../src/core/errors.ts';
import { setEnv } from '../support/env.ts';
import { fixtureSite } from '../support/fixture-site.ts';
import { scaled } from '../support/slowdown.ts';
import {
  cloudFormationClientFor,
  executeStateMachines,
  MOTO_SDK_ENV,
  sfnClientFor,
  startMoto,
} from '../support/moto.ts';

let site: SiteServer;

/**
 * One deployment as smoke sees it, on a moto_server of its own: a stack whose outputs name a state
 * machine that ends as `end` says (a Succeed, or a Fail with an error and cause) and the site. One
 * server each because moto 5.2's state-machine interpreter runs only the first execution of a server
 * (the next StartExecution fails deep-copying the machine).
 */
async function deployment(name: string, end: Record<string, unknown> | undefined, siteUrl?: string) {
  const moto = await startMoto();
  await executeStateMachines(moto.endpoint);
  const cfn = cloudFormationClientFor(moto.endpoint);
  const sfn = sfnClientFor(moto.endpoint);
  const outputs: Record<string, string> = {};
  if (end) {
    const definition = { StartAt: 'Refresh', States: { Refresh: { Type: 'Pass', Next: 'End' }, End: end } };
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({
        name,
        definition: JSON.stringify(definition),
        roleArn: 'arn:aws:iam::123456789012:role/smoke',
      }),
    );
    Object.assign(outputs, { StateMachineArn: stateMachineArn!, SiteUrl: siteUrl ?? site.url });
  }
  const template = {
    Resources: { Topic: { Type: 'AWS::SNS::Topic' } },
    Outputs: Object.fromEntries(Object.entries({ ...outputs, Something: 'else' }).map(([k, v]) => [k, { Value: v }])),
  };
  await cfn.send(new CreateStackCommand({ StackName: name, TemplateBody: JSON.stringify(template) }));
  return {
    endpoint: moto.endpoint,
    deps: { cloudFormation: cfn, stepFunctions: sfn, pollMs: 100 },
    stop: async () => {
      cfn.destroy();
      sfn.destroy();
      await moto.stop();
    },
  };
}
type Deployment = Awaited<ReturnType<typeof deployment>>;
const running: Deployment[] = [];
const deploy = async (...args: Parameters<typeof deployment>) => {
  const d = await deployment(...args);
  running.push(d);
  return d;
};

const io = () => {
  const lines: string[] = [];
  return { lines, io: { out: (l: string) => lines.push(l), err: (l: string) => lines.push(`ERR ${l}`) } };
};

// The fixture lake's site, shared read-only (test/support/fixture-site.ts): smoke only reads it.
beforeAll(async () => {
  site = await serveSite({ root: (await fixtureSite()).site, port: 0 });
}, scaled(150_000));

afterAll(async () => {
  for (const d of running) await d.stop();
  await site?.close();
});

describe('chainwatch smoke', () => {
  it('starts one refresh from the stack’s outputs, waits for it, and checks the site root and releases page', async () => {
    const { deps } = await deploy('chainwatch-ok-pipeline', { Type: 'Succeed' });
    const { lines, io: out } = io();
    await smokeCommand(['--stack', 'chainwatch-ok-pipeline'], out, deps);
    expect(lines[0]).toMatch(/^started arn:aws:states:us-east-1:\d+:execution:chainwatch-ok-pipeline:smoke-\d+$/);
    expect(lines[1]).toMatch(/^✓ refresh smoke-\d+ succeeded$/);
    expect(lines.slice(2)).toEqual([
      `✓ ${site.url} 200 text/html; charset=utf-8`,
      `✓ ${site.url}releases/index.html 200 text/html; charset=utf-8`,
      'smoke check passed',
    ]);
  });

  it('fails with the run’s error and cause when the refresh fails, before looking at the site', async () => {
    const failing = { Type: 'Fail', Error: 'RefreshFailed', Cause: 'A step after ingest failed' };
    // The site URL answers nothing: a failed run must end the check before any page is fetched.
    const { deps } = await deploy('chainwatch-failing-pipeline', failing, 'http://127.0.0.1:9/');
    const error = await smokeCommand(['--stack', 'chainwatch-failing-pipeline'], io().io, deps).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DeploymentError);
    expect((error as DeploymentError).message).toBe(
      'The refresh ended FAILED: RefreshFailed — A step after ingest failed',
    );
    expect((error as DeploymentError).hint).toMatch(/execution history/);
  });

  it('fails when a page of the site does not answer with HTML', async () => {
    const { deps } = await deploy('chainwatch-nosite-pipeline', { Type: 'Succeed' }, `${site.url}missing/`);
    const error = await smokeCommand(['--stack', 'chainwatch-nosite-pipeline'], io().io, deps).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeploymentError);
    expect((error as DeploymentError).message).toMatch(/missing\/ answered 404/);
  });

  it('names a missing stack or output, and what to pass instead', async () => {
    const { deps } = await deploy('chainwatch-old-pipeline', undefined);
    const missing = await smokeCommand(['--stack', 'no-such-stack'], io().io, deps).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(UsageError);
    expect((missing as UsageError).message).toMatch(/Cannot read the outputs of stack "no-such-stack"/);
    const old = await smokeCommand(['--stack', 'chainwatch-old-pipeline'], io().io, deps).catch((e: unknown) => e);
    expect((old as UsageError).message).toBe('Stack "chainwatch-old-pipeline" has no output StateMachineArn');
    await expect(smokeCommand([], io().io, deps)).rejects.toThrow(/needs --stack/);
  });

  it('runs from the CLI’s command table, with the SDK configured by the environment', async () => {
    const { endpoint } = await deploy('chainwatch-cli-pipeline', { Type: 'Succeed' });
    const restore = setEnv({ ...MOTO_SDK_ENV, AWS_ENDPOINT_URL: endpoint });
    try {
      const { lines, io: out } = io();
      expect(await main(['smoke', '--stack', 'chainwatch-cli-pipeline'], out.out, out.err)).toBe(0);
      expect(lines.at(-1)).toBe('smoke check passed');
      expect(await main(['smoke'], out.out, out.err)).toBe(2);
      expect(lines.at(-1)).toMatch(/^ERR chainwatch: chainwatch smoke needs --stack/);
    } finally {
      restore();
    }
  }, 60_000);
});
