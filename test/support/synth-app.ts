import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { buildApp, type ChainwatchApp } from '../../infra/build-app.ts';

const CDK_CONTEXT = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')).context as Record<
  string,
  unknown
>;

/**
 * Cloud assembly folders for one test file, all removed when the file's tests end. CDK synthesizes an app given
 * no `outdir` into a new `cdk.out*` folder in the temp folder and never removes it: the four template test files
 * left 14 there per run.
 */
export function assemblyFolders(): () => string {
  let root: string | undefined;
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });
  return () => {
    root ??= mkdtempSync(join(tmpdir(), 'chainwatch-cdk-'));
    return mkdtempSync(join(root, 'app-'));
  };
}

/**
 * The chainwatch app as the template tests synthesize it, with `context` over cdk.json's: no Lambda bundling
 * and no CloudFormation validation, to keep them fast (test/system/infra-synth.test.ts runs the real `cdk synth`
 * with both), each app in an assembly folder of the test file's own. Call at the top of a test file.
 */
export function appSynthesizer(): (context?: Record<string, unknown>) => ChainwatchApp {
  const folder = assemblyFolders();
  return (context = {}) =>
    buildApp({
      context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [], ...context },
      builtinCloudFormationValidation: false,
      outdir: folder(),
    });
}
