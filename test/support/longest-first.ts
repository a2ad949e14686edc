/**
 * The order test files start in: longest first, across both lanes. vitest's own order runs one project
 * after the other (all of `fast`, then all of `system`), so on two cores the suite's longest files (the
 * browser, the benchmark smoke run) started two minutes in and the last minutes ran one file on one core.
 * Starting the longest files first and filling in with the short ones keeps both cores busy to the end.
 *
 * A file's length is its duration in vitest's results cache (node_modules/.vite, written by the last
 * run on this machine) or, on a fresh clone, the estimate below; a file with neither is short and runs
 * last. The estimates only order the files: a wrong one costs minutes of packing, never a result.
 */
import { relative } from 'node:path';
import type { TestSpecification } from 'vitest/node';
import { BaseSequencer } from 'vitest/node';

/**
 * Seconds each file took, hooks included, in whole runs on a 2-core machine (2026-12-04 and -05; vitest's results cache):
 * the files over 5 s.
 */
export const ESTIMATED_SECONDS: Record<string, number> = {
  'test/system/browser-site.test.ts': 80,
  'test/system/bench-smoke.test.ts': 89,
  'test/system/corpus-scenarios.test.ts': 55,
  'test/system/report-publish.test.ts': 58,
  'test/system/infra-synth.test.ts': 48,
  'test/system/fault-injection.test.ts': 39,
  'test/system/crash-site-switch-kill.test.ts': 46,
  'test/system/crash-publish-kill.test.ts': 38,
  'test/system/smoke-command.test.ts': 36,
  'test/system/report-publish-determinism.test.ts': 32,
  'test/system/concurrent-runs.test.ts': 31,
  'test/system/crash-ingest-kill.test.ts': 29,
  'test/fast/report-site.test.ts': 23,
  'test/system/refresh-lease.test.ts': 21,
  'test/system/crash-determinism.test.ts': 21,
  'test/system/crash-metric-switch-kill.test.ts': 21,
  'test/system/cli-run.test.ts': 21,
  'test/system/browser-data-console.test.ts': 19,
  'test/system/s3-ingest.test.ts': 19,
  'test/system/notebook.test.ts': 17,
  'test/system/ingest-bundled-heap.test.ts': 15,
  'test/fast/analyst-lake.test.ts': 15,
  'test/fast/metrics-incremental.test.ts': 15,
  'test/fast/corpus.test.ts': 13,
  'test/system/ingest-handler.test.ts': 11,
  'test/system/shell-terminal.test.ts': 11,
  'test/fast/report-screens.test.ts': 11,
  'test/fast/report-table-files.test.ts': 11,
  'test/fast/report-engine-calls.test.ts': 10,
  'test/system/store-contract.test.ts': 9,
  'test/fast/report-releases.test.ts': 8,
  'test/fast/sql-files.test.ts': 7,
  'test/fast/fault-parallel-sources.test.ts': 7,
  'test/fast/lambda-imports.test.ts': 6,
  'test/system/query-pipe.test.ts': 5,
  'test/fast/report-claims.test.ts': 5,
  'test/fast/metrics-screens.test.ts': 5,
  'test/fast/ingest-bundled.test.ts': 5,
  'test/fast/metrics-vectors.test.ts': 5,
};

export class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const seconds = (spec: TestSpecification): number => {
      // The file as vitest's results cache keys it: its project and its path from the root.
      const path = relative(this.ctx.config.root, spec.moduleId);
      const cached = this.ctx.cache.getFileTestResults(`${spec.project.name}:${path}`);
      return cached ? cached.duration / 1000 : (ESTIMATED_SECONDS[path] ?? 0);
    };
    return [...files].sort((a, b) => seconds(b) - seconds(a));
  }
}
