import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { measureSlowdown } from './test/support/slowdown.ts';
import { LongestFirst } from './test/support/longest-first.ts';
import { buildThreadCode } from './test/support/thread-build.ts';

/**
 * Two lanes. `fast`: pure logic and DuckDB on small data, many files at once — what a developer runs
 * while working (`npm run test:fast`). `system`: real processes — moto_server, Chromium, child
 * processes killed mid-write, `cdk synth`, the benchmark smoke run. Every timeout is scaled by the
 * machine's measured slowdown (test/support/slowdown.ts), so a loaded machine is slower, never red.
 */
const slowdown = measureSlowdown();
buildThreadCode();

export default defineConfig({
  test: {
    // One test file per core. vitest's default is one fewer than the cores: on the 2-core CI machine that
    // ran the whole suite in one worker, file after file, with the second core mostly idle.
    maxWorkers: availableParallelism(),
    // Longest files first, across both lanes: both cores stay busy to the end (test/support/longest-first.ts).
    sequence: { sequencer: LongestFirst },
    projects: [
      {
        test: {
          name: 'fast',
          include: ['test/fast/**/*.test.ts'],
          testTimeout: 30_000 * slowdown,
          hookTimeout: 60_000 * slowdown,
          pool: 'forks',
          isolate: false,
          setupFiles: ['test/support/file-scope.ts'],
        },
      },
      {
        test: {
          name: 'system',
          include: ['test/system/**/*.test.ts'],
          testTimeout: 120_000 * slowdown,
          hookTimeout: 240_000 * slowdown,
          pool: 'forks',
          globalSetup: ['test/support/moto-pool.ts'],
          // Each file in a process of its own: sources that keep what they read of the environment at first use
          // (a Lambda's task root) would keep an earlier file's (docs/architecture.md, "Shared worker processes").
        },
      },
    ],
  },
});
