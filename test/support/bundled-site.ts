/**
 * The site `npm start` builds, built the way a test can compare: the bundled data ingested with a
 * fixed run id, the metrics computed on DuckDB, the report built for a fixed month and time.
 */
import { join } from 'node:path';
import { runIngest } from '../../src/core/ingest/ingest.ts';
import { runMetrics } from '../../src/core/metrics/metrics.ts';
import { buildSiteFolder } from '../../src/cli/site-folder-build.ts';
import { DuckDBQueryEngine } from '../../src/adapters/duckdb-engine/duckdb-engine.ts';
import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';
import { siteFigures, type SiteFigures } from './site-figures.ts';

const FIGURES_MONTH = '2026-03';
const BUILT_AT = new Date('2026-03-15T00:00:00Z');

/** The bundled data through the whole pipeline: the lake at `work/lake`, the site at `work/site`. */
export async function buildBundledSite(work: string) {
  const lakeRoot = join(work, 'lake');
  const store = new FolderObjectStore(lakeRoot);
  const manifest = await runIngest({ store, runId: 'figures', dataDir: 'data/bundled' });
  const engine = await DuckDBQueryEngine.create({ lakeRoot, store });
  try {
    await runMetrics({ engine });
  } finally {
    await engine.close();
  }
  const site = join(work, 'site');
  await buildSiteFolder({ store, outDir: site, builtAt: BUILT_AT, releaseMonth: FIGURES_MONTH });
  return { lakeRoot, site, month: FIGURES_MONTH, manifest };
}

/** Build the bundled site under `work` and return its published figures. */
export async function bundledSiteFigures(work: string): Promise<SiteFigures> {
  const { site, manifest } = await buildBundledSite(work);
  const times = [manifest.startedAt, manifest.finishedAt];
  return siteFigures(site, FIGURES_MONTH, [...times, ...times.map((t) => t.slice(0, 10))]);
}
