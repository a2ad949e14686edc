import { join } from 'node:path';
import { ENV } from '../../src/core/env.ts';
import { PROJECT_ROOT } from '../../src/core/project-root.ts';
import { CLI_BUILD, compileForThisProcess } from '../../scripts/build.mjs';

/**
 * The report build's threads, compiled once per test run from the sources as the CLI compiles them
 * (`compileForThisProcess`): a thread a test starts from the TypeScript sources runs its module's compiled copy
 * from here (src/core/module-thread.ts) instead of loading every module of a report build through tsx's loader
 * (~1 s of CPU per thread, two threads per build, a few hundred builds in a run). Built when vitest loads its config, named to the test workers in
 * the environment, in the checkout (the compiled code finds the project's files from where it runs) and
 * removed when the run ends.
 */
export function buildThreadCode(env: NodeJS.ProcessEnv = process.env): string {
  const given = env[ENV.threadBuild];
  if (given) return given;
  const dir = compileForThisProcess(
    join(PROJECT_ROOT, '.tmp'),
    CLI_BUILD.entryPoints.filter((entry) => entry !== 'src/cli/main.ts'),
  );
  env[ENV.threadBuild] = dir;
  return dir;
}
