import { checkRunId } from '../lake/run-id.ts';
import { ChainwatchError, SourceError } from '../errors.ts';
import { recoverStaged, type Recovery } from '../lake/staged-commit.ts';
import { putJson, type ObjectStore } from '../seams/object-store.ts';
import { LAKE_FOLDERS, lakePrefix, manifestKey } from '../lake/layout.ts';
import type { IngestManifest, SourceRun } from '../lake/manifest.ts';
import type { IngestContext, IngestSource } from './source.ts';
import { SourceWriter } from './source-writer.ts';
import { bundledSource } from './sources/bundled.ts';

export interface IngestOptions {
  store: ObjectStore;
  runId: string;
  /** The run's clock; given, the whole manifest is a function of the inputs (tests, replays). */
  now?: Date;
  /** Folder with the bundled CSVs and SOURCES.md (default `data/bundled`), for the default source. */
  dataDir?: string;
  onProgress?: (line: string) => void;
  /** Sources in run order; default: the bundled data. */
  sources?: readonly IngestSource[];
  kind?: IngestManifest['kind'];
  /** The month a refresh is for, YYYY-MM. */
  period?: string;
}

/**
 * Finish (committed) or discard (uncommitted) what interrupted runs of a source left staged. Every run
 * of the source does this first; the pipeline also does it right after a source's run failed, so the
 * next steps never read a half-applied commit.
 */
export const recoverSource = (store: ObjectStore, source: string): Promise<Recovery[]> =>
  recoverStaged(store, lakePrefix.ingestStaging(source));

/**
 * Collect and write one source; a live source that is down becomes a stale entry instead of failing
 * the run. First, whatever an earlier run of this source left staged is finished (it had committed)
 * or thrown away (it had not), so the merge starts from a decided lake.
 */
async function runSource(ctx: IngestContext, source: IngestSource): Promise<SourceRun> {
  const recovered = await recoverSource(ctx.store, source.id);
  for (const r of recovered)
    ctx.progress(
      `${source.id}: ${r.action} the staged writes of interrupted run ${r.id} (${r.objects} objects): ${r.reason}`,
    );
  let run: SourceRun;
  const writer = new SourceWriter(ctx.store, source.id, ctx.runId, ctx.progress);
  try {
    for await (const part of source.collect(ctx)) await writer.write(part);
    run = await writer.finish();
    if (source.committed) run = await source.committed(ctx, run);
  } catch (error) {
    if (!(error instanceof SourceError && source.failed)) throw error;
    await writer.discard();
    run = await source.failed(ctx, error);
  }
  return recovered.length > 0 ? { ...run, recovered } : run;
}

/**
 * Ingest sources into the lake, in order (the bundled data by default): raw copies, curated tables
 * (Hive-partitioned Parquet, switched in per source by a commit marker), quarantined rows with
 * reasons, and the run manifest — first as "unfinished", last with the outcome. The same inputs give
 * byte-identical curated files. A live source that is down is recorded as stale and the run goes on;
 * any other failure still writes a manifest (outcome 'failed', with the error) and rethrows.
 */
export async function runIngest(opts: IngestOptions): Promise<IngestManifest> {
  checkRunId(opts.runId);
  const clock = () => (opts.now ?? new Date()).toISOString();
  const progress = opts.onProgress ?? (() => {});
  const startedAt = clock();
  const ctx: IngestContext = { store: opts.store, runId: opts.runId, at: startedAt, period: opts.period, progress };
  const head = {
    runId: opts.runId,
    kind: opts.kind ?? 'ingest',
    ...(opts.period ? { period: opts.period } : {}),
    startedAt,
  } as const;
  const runs: Record<string, SourceRun> = {};
  // Temp files of writers that died mid-put are invisible to readers; remove them before writing anew.
  const leftovers = (await opts.store.removeLeftovers?.(LAKE_FOLDERS)) ?? [];
  if (leftovers.length > 0)
    progress(`removed ${leftovers.length} temp file${leftovers.length === 1 ? '' : 's'} of interrupted writers`);
  // Replaced at the end by the real outcome: a killed or timed-out run leaves this behind.
  await putJson(opts.store, manifestKey(opts.runId), {
    ...head,
    finishedAt: startedAt,
    outcome: 'failed',
    sources: {},
    staleSources: [],
    error: {
      name: 'Unfinished',
      message: `Run ${opts.runId} started at ${startedAt} and did not record an outcome (it is still running, or it was killed or timed out)`,
      hint: 'Run the ingest again: each source first finishes or discards the staged writes of an interrupted run.',
    },
  } satisfies IngestManifest);
  try {
    for (const source of opts.sources ?? [bundledSource({ dataDir: opts.dataDir })])
      runs[source.id] = await runSource(ctx, source);
    const manifest: IngestManifest = {
      ...head,
      finishedAt: clock(),
      outcome: 'succeeded',
      sources: runs,
      staleSources: Object.entries(runs)
        .filter(([, r]) => r.status === 'stale')
        .map(([id]) => id),
    };
    await putJson(opts.store, manifestKey(opts.runId), manifest);
    return manifest;
  } catch (error) {
    const e = error as Error;
    const manifest: IngestManifest = {
      ...head,
      finishedAt: clock(),
      outcome: 'failed',
      sources: runs,
      staleSources: [],
      error: { name: e.name, message: e.message, hint: error instanceof ChainwatchError ? error.hint : undefined },
    };
    // The original error is what the caller must see; a store that also fails the manifest only adds noise.
    await putJson(opts.store, manifestKey(opts.runId), manifest).catch(() => {});
    throw error;
  }
}
