/** The CLI's report build in a thread of its own (src/cli/report-thread.ts): what it builds, and its errors as the CLI prints them. */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSiteInThread } from '../../src/cli/report-thread.ts';
import { ChainwatchError, UsageError } from '../../src/core/errors.ts';
import { fixtureSite } from '../support/fixture-site.ts';
import { scaled } from '../support/slowdown.ts';

let work: string;
let lake: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'chainwatch-report-thread-'));
  lake = (await fixtureSite()).lake;
}, scaled(150_000));
afterAll(() => rm(work, { recursive: true, force: true }));

describe('buildSiteInThread', () => {
  it(
    'builds the site from the folder lake, its progress lines passed on as they come',
    async () => {
      const lines: string[] = [];
      const out = join(work, 'site');
      const summary = await buildSiteInThread({ lake, outDir: out }, (line) => lines.push(line));
      expect(summary.pages).toBeGreaterThan(10);
      expect(summary.charts).toBeGreaterThan(10);
      expect(lines[0]).toMatch(/^writing release \d{4}-\d{2} to /);
      expect(lines).toContainEqual(
        `rendered release ${summary.release}: ${summary.pages} pages and ${summary.charts} charts; largest page ${summary.largestPage.path} (${Math.round(summary.largestPage.bytes / 1024)} KiB)`,
      );
      expect(await readdir(out)).toContain('index.html');
    },
    scaled(120_000),
  );

  it(
    'fails with the build’s own error, message and hint: a usage error stays one (the CLI exits 2)',
    async () => {
      const foreign = join(work, 'papers');
      await mkdir(foreign);
      await writeFile(join(foreign, 'thesis.txt'), 'mine');
      const refused = await buildSiteInThread({ lake, outDir: foreign }, () => undefined).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(UsageError);
      expect((refused as UsageError).message).toMatch(
        /papers is a folder chainwatch did not make .* will not replace it with the site/,
      );
      expect((refused as UsageError).hint).toMatch(/^Pass --out a new or empty folder/);
      expect(await readdir(foreign)).toEqual(['thesis.txt']);

      const empty = join(work, 'empty-lake');
      await mkdir(empty);
      const failed = await buildSiteInThread({ lake: empty, outDir: join(work, 'empty-site') }, () => undefined).catch(
        (e: unknown) => e,
      );
      expect(failed).toBeInstanceOf(ChainwatchError);
      expect(failed).not.toBeInstanceOf(UsageError);
      expect((failed as ChainwatchError).message).toMatch(/no rows in sources, basket, trade_flows/);
      expect((failed as ChainwatchError).hint.length).toBeGreaterThan(10);
    },
    scaled(60_000),
  );
});
