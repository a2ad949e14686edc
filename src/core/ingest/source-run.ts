import { UsageError } from '../errors.ts';
import type { HttpContext } from '../http/retry.ts';
import { manifestKey } from '../lake/layout.ts';
import { newRunId } from '../lake/run-id.ts';
import type { Recovery } from '../lake/staged-commit.ts';
import type { ObjectStore } from '../seams/object-store.ts';
import { BUNDLED_SOURCE, INGEST_SOURCES, type IngestSourceId, isIngestSource, type LiveSourceId } from '../sources.ts';
import type { ParameterResolver } from './api-keys.ts';
import { recoverSource, runIngest } from './ingest.ts';
import { defaultRefreshPeriod } from './live-selection.ts';
import type { IngestManifest, SourceRun } from '../lake/manifest.ts';
import { progressBar } from './progress-bar.ts';
import { runRefresh } from './refresh.ts';

/** One source's step of an orchestrated run (the state machine invokes the ingest Lambda with this). */
export interface IngestEvent {
  source: string;
  /** The orchestrator passes one id to every step; a manual invoke may leave it out. */
  runId?: string;
  /** Live sources: the month to refresh, YYYY-MM; default two months back (the release lag of monthly trade data). */
  period?: string;
  /**
   * The state machine's failure path: only finish or discard what the failed run of this source staged
   * (it may have died between its commit marker and the last partition), so metrics read a decided lake.
   */
  recover?: boolean;
}

export interface RecoverySummary {
  source: string;
  recovered: Recovery[];
}

/** The source's counts and status from its manifest entry, plus where the manifest is. */
export type IngestSummary = Pick<
  SourceRun,
  'status' | 'rowsIn' | 'rowsDerived' | 'rowsOut' | 'rowsRejected' | 'rowsDuplicate' | 'quarantineKey'
> & {
  /** A live source: the run whose data it now serves (null before its first success); the bundled data have none. */
  lastSuccess?: SourceRun['lastSuccess'];
  runId: string;
  source: string;
  outcome: IngestManifest['outcome'];
  manifestKey: string;
};

export interface SourceRunContext {
  store: ObjectStore;
  log: (line: string) => void;
  /** Reads an API key's secret parameter (SSM in AWS). */
  resolveParameter?: ParameterResolver;
  /** The HTTP seam of the live sources (tests replay recorded replies through it). */
  http?: HttpContext;
  now?: () => Date;
}

/** An event whose source is known: what the orchestrator checks before it builds anything for the run. */
export type CheckedIngestEvent = IngestEvent & { source: IngestSourceId };

export function checkIngestEvent(event: IngestEvent): CheckedIngestEvent {
  const source = event?.source;
  if (!isIngestSource(source)) {
    throw new UsageError(
      `Unknown ingest source "${source}"`,
      `Invoke with {"source": "${INGEST_SOURCES.join('|')}", "runId": "<optional run id>", "period": "<YYYY-MM, live sources>"}.`,
    );
  }
  return { ...event, source };
}

/**
 * One source's ingest: the bundled data land from the files shipped beside the code; a live source runs
 * the monthly refresh for its period. Every source's manifest is `_runs/<runId>-<source>.json`, so
 * parallel sources of one execution never overwrite each other's manifest.
 */
export async function ingestOneSource(event: CheckedIngestEvent, ctx: SourceRunContext): Promise<IngestSummary> {
  const { source } = event;
  const now = ctx.now ?? (() => new Date());
  const runId = `${event.runId ?? newRunId(now())}-${source}`;
  const manifest =
    source === BUNDLED_SOURCE
      ? await runIngest({ store: ctx.store, runId, onProgress: ctx.log })
      : await runRefresh({
          store: ctx.store,
          runId,
          now,
          http: ctx.http,
          period: event.period ?? defaultRefreshPeriod(now()),
          sources: [source as LiveSourceId],
          resolveParameter: ctx.resolveParameter,
          onProgress: progressBar((text) => ctx.log(text.trimEnd())),
        });
  const run = manifest.sources[source];
  return {
    runId,
    source,
    outcome: manifest.outcome,
    status: run.status,
    rowsIn: run.rowsIn,
    rowsDerived: run.rowsDerived,
    rowsOut: run.rowsOut,
    rowsRejected: run.rowsRejected,
    rowsDuplicate: run.rowsDuplicate,
    quarantineKey: run.quarantineKey,
    ...(run.lastSuccess !== undefined ? { lastSuccess: run.lastSuccess } : {}),
    manifestKey: manifestKey(runId),
  };
}

/** The failure path: finish or discard what the failed run of `event.source` staged. */
export async function recoverOneSource(event: CheckedIngestEvent, ctx: SourceRunContext): Promise<RecoverySummary> {
  const { source } = event;
  const recovered = await recoverSource(ctx.store, source);
  for (const r of recovered)
    ctx.log(`${source}: ${r.action} the staged writes of run ${r.id} (${r.objects} objects): ${r.reason}`);
  return { source, recovered };
}
