import type { LiveSourceId } from '../core/sources.ts';
import { newRunId } from '../core/lake/run-id.ts';
import { runIngest } from '../core/ingest/ingest.ts';
import type { IngestManifest } from '../core/lake/manifest.ts';
import { progressBar } from '../core/ingest/progress-bar.ts';
import { planRequests, runLiveIngest, runRefresh, type PlanJob } from '../core/ingest/refresh.ts';
import type { IngestCliOptions } from '../core/ingest/live-selection.ts';
import { SourceError } from '../core/errors.ts';
import { storeFromUri } from './lake-store.ts';
import { count, noop, seconds, type PipelineOptions } from './step-options.ts';

/** The local ingest steps: the bundled data, a live source, the monthly refresh, and their dry runs. */

function reportManifest(manifest: IngestManifest, start: number, log: (line: string) => void): void {
  for (const [source, s] of Object.entries(manifest.sources)) {
    const stale = s.status === 'stale' ? ` — STALE: ${s.error?.message ?? 'failed'}; last good data kept` : '';
    log(
      `ingest   ${source}: ${count(s.rowsIn)} rows in, ${count(s.rowsOut)} landed, ${count(s.rowsRejected)} quarantined (${seconds(start)})${stale}`,
    );
  }
}

/**
 * A live run that left a source stale did land what it could and kept the last good data, but the
 * command did not do what it was asked: it ends non-zero with each source's real cause.
 */
function failOnStale(manifest: IngestManifest): void {
  const stale = Object.entries(manifest.sources).filter(([, s]) => s.status === 'stale');
  if (stale.length === 0) return;
  throw new SourceError(
    stale.map(([source, s]) => `${source} failed: ${s.error?.message ?? 'unknown error'}`).join('; '),
    stale[0][1].error?.hint ?? 'Run it again later; the lake keeps the last good data.',
  );
}

export async function ingestStep(o: PipelineOptions): Promise<void> {
  const log = o.log ?? noop;
  const start = performance.now();
  const manifest = await runIngest({
    store: await storeFromUri(o.lake),
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
    store: await storeFromUri(o.lake),
    ingest,
    runId: o.runId,
    onProgress: progressOf(o),
    http: o.http,
  });
  reportManifest(manifest, start, o.log ?? noop);
  failOnStale(manifest);
}

export async function refreshStep(o: PipelineOptions, period: string, sources?: LiveSourceId[]): Promise<void> {
  const start = performance.now();
  const manifest = await runRefresh({
    store: await storeFromUri(o.lake),
    period,
    sources,
    runId: o.runId,
    onProgress: progressOf(o),
    http: o.http,
  });
  reportManifest(manifest, start, o.log ?? noop);
  failOnStale(manifest);
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
