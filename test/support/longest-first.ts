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
import type { TestSpecification } from 'vitest/node';
import { BaseSequencer } from 'vitest/node';

/**
 * Seconds each file took, hooks included, in whole runs on a 2-core machine (2026-12-04; vitest's results cache):
 * the files over 5 s.
 */
export const ESTIMATED_SECONDS: Record<string, number> = {
  'system/browser-site.test.ts': 144,
  'system/bench-smoke.test.ts': 89,
  'system/corpus-scenarios.test.ts': 67,
  'system/report-publish.test.ts': 54,
  'system/infra-synth.test.ts': 48,
  'system/fault-injection.test.ts': 46,
  'system/crash-site-switch-kill.test.ts': 46,
  'system/crash-publish-kill.test.ts': 38,
  'system/smoke-command.test.ts': 36,
  'system/report-publish-determinism.test.ts': 32,
  'system/concurrent-runs.test.ts': 31,
  'system/crash-ingest-kill.test.ts': 29,
  'fast/report-site.test.ts': 23,
  'system/refresh-lease.test.ts': 21,
  'system/crash-determinism.test.ts': 21,
  'system/crash-metric-switch-kill.test.ts': 21,
  'system/cli-run.test.ts': 21,
  'system/browser-data-console.test.ts': 19,
  'system/s3-ingest.test.ts': 19,
  'system/notebook.test.ts': 17,
  'system/ingest-bundled-heap.test.ts': 15,
  'fast/analyst-lake.test.ts': 15,
  'fast/metrics-incremental.test.ts': 15,
  'fast/corpus.test.ts': 13,
  'system/ingest-handler.test.ts': 11,
  'system/shell-terminal.test.ts': 11,
  'fast/report-screens.test.ts': 11,
  'fast/report-table-files.test.ts': 11,
  'fast/report-engine-calls.test.ts': 10,
  'system/store-contract.test.ts': 9,
  'fast/report-releases.test.ts': 8,
  'fast/sql-files.test.ts': 7,
  'fast/fault-parallel-sources.test.ts': 7,
  'fast/lambda-imports.test.ts': 6,
  'system/query-pipe.test.ts': 5,
  'fast/report-claims.test.ts': 5,
  'fast/metrics-screens.test.ts': 5,
  'fast/ingest-bundled.test.ts': 5,
  'fast/metrics-vectors.test.ts': 5,
};

export class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const seconds = (spec: TestSpecification): number => {
      const path = spec.moduleId.slice(spec.moduleId.lastIndexOf('/test/') + '/test/'.length);
      const cached = this.ctx.cache.getFileTestResults(`${spec.project.name}:test/${path}`);
      return cached ? cached.duration / 1000 : (ESTIMATED_SECONDS[path] ?? 0);
    };
    return [...files].sort((a, b) => seconds(b) - seconds(a));
  }
}
