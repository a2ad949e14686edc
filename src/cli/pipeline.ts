import type { LiveSourceId } from '../core/sources.ts';
import { newRunId } from '../core/lake/run-id.ts';
import { join } from 'node:path';
import { runIngest } from '../core/ingest/ingest.ts';
import type { IngestManifest } from '../core/lake/manifest.ts';
import { progressBar } from '../core/ingest/progress-bar.ts';
import { planRequests, runLiveIngest, runRefresh, type PlanJob } from '../core/ingest/refresh.ts';
import type { IngestCliOptions } from '../core/ingest/live-selection.ts';

import { runMetrics } from '../core/metrics/metrics.ts';
import { buildSiteFolder } from './site-folder-build.ts';
import { DuckDBQueryEngine } from '../adapters/duckdb-engine/duckdb-engine.ts';
import { UsageError } from '../core/errors.ts';
import { refuseOverPendingIngest } from '../core/lake/pending-ingest.ts';
import { FolderObjectStore } from '../adapters/folder-store/folder-store.ts';
import { storeFromUri } from './lake-store.ts';

/**
 * The local orchestration edge: the steps Step Functions runs in AWS, in order, with one progress
 * line per step. The lake is a folder by default; ingest, refresh and report also take `s3://…`.
 */
export interface PipelineOptions {
  /** Lake folder or `s3://bucket/prefix`. */
  lake: string;
  outDir: string;
  runId?: string;
  dataDir?: string;
  log?: (line: string) => void;
  /** Raw progress output (the multi-request progress bar); defaults to `log` per line. */
  write?: (text: string) => void;
  tty?: boolean;
}

const seconds = (start: number): string => `${((performance.now() - start) / 1000).toFixed(1)} s`;
const count = (n: number): string => n.toLocaleString('en-US');
const noop = () => {};

function reportManifest(manifest: IngestManifest, start: number, log: (line: string) => void): void {
  for (const [source, s] of Object.entries(manifest.sources)) {
    const stale = s.status === 'stale' ? ` — STALE: ${s.error?.message ?? 'failed'}; last good data kept` : '';
    log(
      `ingest   ${source}: ${count(s.rowsIn)} rows in, ${count(s.rowsOut)} landed, ${count(s.rowsRejected)} quarantined (${seconds(start)})${stale}`,
    );
  }
}

export async function ingestStep(o: PipelineOptions): Promise<void> {
  const log = o.log ?? noop;
  const start = performance.now();
  const manifest = await runIngest({
    store: storeFromUri(o.lake),
    runId: o.runId ?? newRunId(),
    dataDir: o.dataDir,
    onProgress: (line) => log(`  ${line}`),
  });
  reportManifest(manifest, start, log);
}

/** The text sink of the live sources' progress bar. */
const progressOf = (o: PipelineOptions) => {
  const log = o.log ?? noop;
  return progressBar(o.write ?? ((text) => log(text.replace(/\n$/, ''))), { tty: o.tty });
};

export async function liveIngestStep(o: PipelineOptions, ingest: IngestCliOptions): Promise<void> {
  const start = performance.now();
  const manifest = await runLiveIngest({
    store: storeFromUri(o.lake),
    ingest,
    runId: o.runId,
    onProgress: progressOf(o),
  });
  reportManifest(manifest, start, o.log ?? noop);
}

export async function refreshStep(o: PipelineOptions, period: string, sources?: LiveSourceId[]): Promise<void> {
  const start = performance.now();
  const manifest = await runRefresh({
    store: storeFromUri(o.lake),
    period,
    sources,
    runId: o.runId,
    onProgress: progressOf(o),
  });
  reportManifest(manifest, start, o.log ?? noop);
}

/** `--dry-run`: the requests a live ingest or refresh would make (keys masked); nothing is fetched. */
export async function dryRun(o: PipelineOptions, job: PlanJob): Promise<void> {
  const log = o.log ?? noop;
  const { requests, notices } = await planRequests(job);
  for (const r of requests)
    log(`${r.source.padEnd(8)} GET ${r.url}${Object.keys(r.headers).length ? `  ${JSON.stringify(r.headers)}` : ''}`);
  for (const n of notices) log(`note: ${n}`);
  log(`${requests.length} request(s) planned; nothing was fetched (--dry-run).`);
}

/** The local steps that query the lake run DuckDB over local Parquet: a folder, never `s3://`. */
export function requireFolderLake(lake: string, step: 'metrics' | 'report'): void {
  if (lake.startsWith('s3://')) {
    throw new UsageError(
      `The local ${step} step needs a folder lake (DuckDB reads local Parquet only)`,
      `Run ${step} in AWS (the Step Functions pipeline runs it on Athena), or use a folder with --lake.`,
    );
  }
}

/** `force`: recompute every table, even those whose inputs are unchanged since they were written. */
export async function metricsStep(o: PipelineOptions, { force = false } = {}): Promise<void> {
  requireFolderLake(o.lake, 'metrics');
  const store = new FolderObjectStore(o.lake);
  const log = o.log ?? noop;
  const start = performance.now();
  await refuseOverPendingIngest(store, (source) => `Run "chainwatch ingest --source ${source}" again`);
  const engine = await DuckDBQueryEngine.create({ lakeRoot: o.lake, store });
  try {
    const result = await runMetrics({ engine, store, force, onProgress: (line) => log(`  ${line}`) });
    const tables = Object.values(result.tables);
    const rows = tables.reduce((n, t) => n + t.rows, 0);
    const kept = tables.filter((t) => t.kept).length;
    log(
      `metrics  ${tables.length} tables, ${count(rows)} rows${kept > 0 ? `, ${kept} kept (inputs unchanged)` : ''} (${seconds(start)})`,
    );
  } finally {
    await engine.close();
  }
}

/** The report: every page's rows asked of DuckDB over the folder lake, the site switched when the build is whole. */
export async function reportStep(o: PipelineOptions): Promise<void> {
  requireFolderLake(o.lake, 'report');
  const store = new FolderObjectStore(o.lake);
  const log = o.log ?? noop;
  const start = performance.now();
  const site = await buildSiteFolder({ store, outDir: o.outDir, onProgress: (line) => log(`  ${line}`) });
  log(
    `report   ${site.pages} pages, ${site.charts} charts, ${count(Math.round(site.bytes / 1024))} KiB → ${join(o.outDir, 'index.html')} (${seconds(start)})`,
  );
}

export async function runLocalPipeline(o: PipelineOptions): Promise<void> {
  const options = { ...o, runId: o.runId ?? newRunId() };
  await ingestStep(options);
  await metricsStep(options);
  await reportStep(options);
}
