/**
 * The same run three times — ingest → metrics → report, each time into a fresh lake and site folder —
 * gives byte-identical raw, curated and metric files and a byte-identical site; a fourth run over the
 * first lake and site changes nothing. So a re-run after any failure converges on exactly the bytes an
 * uninterrupted run writes, and an unchanged month publishes an unchanged site.
 */
import { scaled } from '../support/slowdown.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSiteFolder } from '../../src/cli/site-folder-build.ts';
import { DuckDBQueryEngine } from '../../src/adapters/duckdb-engine/duckdb-engine.ts';
import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';
import { runIngest } from '../../src/core/ingest/ingest.ts';
import { runMetrics } from '../../src/core/metrics/metrics.ts';
import { only, smallData, snapshot } from '../crash/support.ts';

let root: string;
let data: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'chainwatch-determinism-'));
  data = await smallData(join(root, 'data'), 'b');
});
afterAll(() => rm(root, { recursive: true, force: true }));

/**
 * One whole run. The same run means the same run id and clock (a retried execution): the site shows
 * both on its data-quality and sources pages.
 */
async function pipeline(lake: string, site: string) {
  const store = new FolderObjectStore(lake);
  await runIngest({ store, runId: 'monthly-2026-03', dataDir: data, now: new Date('2026-03-01T06:00:00Z') });
  const engine = await DuckDBQueryEngine.create({ lakeRoot: lake, store });
  try {
    // As the CLI runs it: with the lake's store, so a re-run keeps the tables whose inputs are unchanged.
    await runMetrics({ engine, store });
  } finally {
    await engine.close();
  }
  // The footer shows the build date; a fixed one stands for "the same day".
  await buildSiteFolder({ store, outDir: site, builtAt: new Date('2026-03-15T00:00:00Z'), releaseMonth: '2026-03' });
  const files = await snapshot(lake);
  return {
    data: new Map([...only(files, 'raw/'), ...only(files, 'curated/'), ...only(files, 'metrics/')]),
    site: await snapshot(site),
  };
}

describe('the same run, three times', () => {
  it(
    'gives byte-identical lake files and site, and a re-run over them changes nothing',
    async () => {
      const runs = [];
      for (const n of [1, 2, 3]) runs.push(await pipeline(join(root, `lake-${n}`), join(root, `site-${n}`)));
      const [first, ...rest] = runs;
      expect(first.data.size).toBeGreaterThan(20);
      expect(first.site.size).toBeGreaterThan(50);
      for (const r of rest) {
        expect(r.data).toEqual(first.data);
        expect(r.site).toEqual(first.site);
      }
      const again = await pipeline(join(root, 'lake-1'), join(root, 'site-1'));
      expect(again.data).toEqual(first.data);
      expect(again.site).toEqual(first.site);
    },
    scaled(120_000),
  );
});
