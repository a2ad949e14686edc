import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/core/project-root.ts';

/**
 * The fast lane runs its files in shared worker processes (vitest.config.ts, `isolate: false`), so
 * test/support/file-scope.ts puts back what a file changed of the process when it ends. Two files that each
 * change the environment and spy on the console run in one worker: the second must find neither change.
 */
it('puts back the environment and removes the spies a file left, before the next file in the worker', () => {
  const vitest = join(PROJECT_ROOT, 'node_modules', 'vitest', 'vitest.mjs');
  const config = join(PROJECT_ROOT, 'test', 'fixtures', 'file-scope', 'vitest.config.ts');
  const run = spawnSync(process.execPath, [vitest, 'run', '--config', config, '--reporter', 'json'], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    env: { ...process.env, CHAINWATCH_FILE_SCOPE_REMOVED: 'there' },
  });
  const report = JSON.parse(run.stdout) as { numPassedTests: number; numFailedTests: number };
  expect(
    { status: run.status, report: { passed: report.numPassedTests, failed: report.numFailedTests } },
    run.stderr,
  ).toEqual({
    status: 0,
    report: { passed: 2, failed: 0 },
  });
});
