/**
 * The site `npm start` builds, built the way a test can compare: the bundled data ingested with a
 * fixed run id, the metrics computed on DuckDB, the report built for a fixed month and time.
 * Built once and shared read-only (test/support/shared-fixture.ts): a test that changes the lake or
 * the site works on a copy.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runIngest } from '../../src/core/ingest/ingest.ts';
import type { IngestManifest } from '../../src/core/lake/manifest.ts';
import { manifestKey } from '../../src/core/lake/layout.ts';
import { runMetrics } from '../../src/core/metrics/metrics.ts';
import { buildSiteFolder } from '../../src/cli/site-folder-build.ts';
import type { BuildSummary } from '../../src/core/report/build-site.ts';
import { DuckDBQueryEngine } from '../../src/adapters/duckdb-engine/duckdb-engine.ts';
import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';
import { sharedFixture } from './shared-fixture.ts';
import { siteFigures, type SiteFigures } from './site-figures.ts';

/** The run id test/fixtures/report/figures-before.json was written with (pages name the run). */
const BUNDLED_RUN_ID = 'figures';
export const BUNDLED_RELEASE_MONTH = '2026-03';
const BUILT_AT = new Date('2026-03-15T00:00:00Z');

export interface BundledBuild {
  /** The folder lake: curated tables, metrics, the run manifest. Read-only. */
  lake: string;
  /** The site link (`site` → its build folder), as `npm start` leaves it. Read-only. */
  site: string;
  /** The ingest run's manifest. */
  manifest: IngestManifest;
  /** What the site build reported. */
  summary: BuildSummary;
}

/** The bundled data ingested (run id `bundled`), its metrics computed and its site built: once per checkout state. */
export async function bundledBuild(): Promise<BundledBuild> {
  const dir = await sharedFixture('bundled', async (out) => {
    const lakeRoot = join(out, 'lake');
    const store = new FolderObjectStore(lakeRoot);
    await runIngest({ store, runId: BUNDLED_RUN_ID, dataDir: 'data/bundled' });
    const engine = await DuckDBQueryEngine.create({ lakeRoot, store });
    try {
      // With the store, as `npm start` runs it: the lake records each table's inputs, so a copy of it runs
      // incrementally (test/fast/metrics-incremental.test.ts).
      await runMetrics({ engine, store });
    } finally {
      await engine.close();
    }
    const summary = await buildSiteFolder({
      store,
      outDir: join(out, 'site'),
      builtAt: BUILT_AT,
      releaseMonth: BUNDLED_RELEASE_MONTH,
    });
    await writeFile(join(out, 'summary.json'), JSON.stringify(summary));
  });
  const lake = join(dir, 'lake');
  const manifest = JSON.parse(await readFile(join(lake, manifestKey(BUNDLED_RUN_ID)), 'utf8')) as IngestManifest;
  const summary = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as BuildSummary;
  return { lake, site: join(dir, 'site'), manifest, summary };
}

/** The bundled site's published figures. */
export async function bundledSiteFigures(): Promise<SiteFigures> {
  const { site, manifest } = await bundledBuild();
  const times = [manifest.startedAt, manifest.finishedAt];
  return siteFigures(site, BUNDLED_RELEASE_MONTH, [...times, ...times.map((t) => t.slice(0, 10))]);
}
