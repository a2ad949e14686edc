import { join } from 'node:path';
import { runIngest } from '../lambdas/ingest/ingest.ts';
import { runMetrics } from '../lambdas/metrics/metrics.ts';
import { buildSite } from '../reports/build-site.ts';
import { DuckDBQueryEngine } from './engine/duckdb-engine.ts';
import { FolderObjectStore } from './store/folder-store.ts';

/**
 * The local orchestration edge: the same steps Step Functions runs in AWS, in order, on the
 * embedded default (a folder lake + DuckDB). Each step reports one progress line.
 */
export interface LocalPipelineOptions {
  lakeDir: string;
  outDir: string;
  runId?: string;
  dataDir?: string;
  log?: (line: string) => void;
}

export const newRunId = (now = new Date()): string => now.toISOString().replace(/[:.]/g, '-');

const seconds = (start: number): string => `${((performance.now() - start) / 1000).toFixed(1)} s`;
const count = (n: number): string => n.toLocaleString('en-US');

export async function ingestStep(o: LocalPipelineOptions): Promise<void> {
  const log = o.log ?? (() => {});
  const start = performance.now();
  const manifest = await runIngest({
    store: new FolderObjectStore(o.lakeDir),
    runId: o.runId ?? newRunId(),
    dataDir: o.dataDir,
    onProgress: (line) => log(`  ${line}`),
  });
  for (const [source, s] of Object.entries(manifest.sources)) {
    log(`ingest   ${source}: ${count(s.rowsIn)} rows in, ${count(s.rowsOut)} landed, ${count(s.rowsRejected)} quarantined (${seconds(start)})`);
  }
}

export async function metricsStep(o: LocalPipelineOptions): Promise<void> {
  const log = o.log ?? (() => {});
  const start = performance.now();
  const engine = await DuckDBQueryEngine.create({ lakeRoot: o.lakeDir, store: new FolderObjectStore(o.lakeDir) });
  try {
    const result = await runMetrics({ engine, onProgress: (line) => log(`  ${line}`) });
    const rows = Object.values(result.tables).reduce((n, t) => n + t.rows, 0);
    log(`metrics  ${Object.keys(result.tables).length} tables, ${count(rows)} rows (${seconds(start)})`);
  } finally {
    await engine.close();
  }
}

export async function reportStep(o: LocalPipelineOptions): Promise<void> {
  const log = o.log ?? (() => {});
  const start = performance.now();
  const site = await buildSite({ store: new FolderObjectStore(o.lakeDir), outDir: o.outDir, onProgress: (line) => log(`  ${line}`) });
  log(`report   ${site.pages} pages, ${site.charts} charts, ${count(Math.round(site.bytes / 1024))} KiB → ${join(o.outDir, 'index.html')} (${seconds(start)})`);
}

export async function runLocalPipeline(o: LocalPipelineOptions): Promise<void> {
  const options = { ...o, runId: o.runId ?? newRunId() };
  await ingestStep(options);
  await metricsStep(options);
  await reportStep(options);
}
