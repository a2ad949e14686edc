import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TestSpecification } from 'vitest/node';
import { PROJECT_ROOT } from '../../src/core/project-root.ts';
import { ESTIMATED_SECONDS, LongestFirst } from '../support/longest-first.ts';

/** The order test files start in (test/support/longest-first.ts): it only orders, so what it must get right is which file is long. */
describe('the order test files start in', () => {
  const spec = (path: string) =>
    ({ moduleId: join(PROJECT_ROOT, path), project: { name: path.split('/')[1] } }) as TestSpecification;
  const order = (cached: Record<string, number>, paths: string[]) =>
    new LongestFirst({
      config: { root: PROJECT_ROOT },
      cache: {
        getFileTestResults: (key: string) =>
          key in cached ? { duration: cached[key] * 1000, failed: false } : undefined,
      },
    } as never)
      .sort(paths.map(spec))
      .then((sorted) => sorted.map((s) => s.moduleId.slice(PROJECT_ROOT.length + 1)));

  it('estimates only files that exist (a renamed file would lose its place silently)', () => {
    const missing = Object.keys(ESTIMATED_SECONDS).filter((path) => !existsSync(join(PROJECT_ROOT, path)));
    expect(missing).toEqual([]);
  });

  it('starts the longest first across both lanes, by the estimate on a fresh clone, and a file it does not know last', async () => {
    expect(
      await order({}, [
        'test/fast/unknown.test.ts',
        'test/fast/report-site.test.ts',
        'test/system/browser-site.test.ts',
      ]),
    ).toEqual(['test/system/browser-site.test.ts', 'test/fast/report-site.test.ts', 'test/fast/unknown.test.ts']);
  });

  it('takes the duration of the last run on this machine over the estimate (vitest keys it by project and path)', async () => {
    expect(
      await order({ 'fast:test/fast/unknown.test.ts': 500 }, [
        'test/system/browser-site.test.ts',
        'test/fast/unknown.test.ts',
      ]),
    ).toEqual(['test/fast/unknown.test.ts', 'test/system/browser-site.test.ts']);
  });
});
