import { UsageError } from '../src/core/errors.ts';
import { redactingLog } from '../src/core/log.ts';
import type { HttpContext } from '../src/core/http/retry.ts';
import { S3ObjectStore } from '../src/adapters/s3-store/s3-store.ts';
import type { Recovery } from '../src/core/lake/staged-commit.ts';
import { recoverSource, runIngest } from '../src/core/ingest/ingest.ts';
import { defaultRefreshPeriod, INGEST_SOURCES } from '../src/core/ingest/live-selection.ts';
import { manifestKey, type IngestManifest, type SourceRun } from '../src/core/ingest/manifest.ts';
import { progressBar } from '../src/core/ingest/progress-bar.ts';
import { runRefresh } from '../src/core/ingest/refresh.ts';
import { ssmParameterResolver } from '../src/adapters/ssm-parameters/ssm-parameters.ts';
import { BUNDLED_SOURCE } from '../src/core/ingest/sources/bundled.ts';
import type { LiveSourceId } from '../src/core/ingest/sources/live-source.ts';

export interface IngestEvent {
  source: string;
  /** The Step Functions execution passes one id to every step; a manual invoke may leave it out. */
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
  runId: string;
  source: string;
  outcome: IngestManifest['outcome'];
  manifestKey: string;
};

/** What the Lambda runtime does not provide in tests: the HTTP seam for live sources. */
export interface HandlerDeps {
  http?: HttpContext;
  now?: () => Date;
}

function env(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new UsageError(
      `Environment variable ${name} is not set`,
      `Set ${name} on the ingest Lambda (the pipeline stack does).`,
    );
  return value;
}

function sourceOf(event: IngestEvent): string {
  const source = event?.source;
  if (!(INGEST_SOURCES as readonly string[]).includes(source)) {
    throw new UsageError(
      `Unknown ingest source "${source}"`,
      `Invoke with {"source": "${INGEST_SOURCES.join('|')}", "runId": "<optional run id>", "period": "<YYYY-MM, live sources>"}.`,
    );
  }
  return source;
}

/** The function's log (CloudWatch): every line with the keys this process knows masked. */
const log = redactingLog();

const lakeStore = () => new S3ObjectStore({ bucket: env('LAKE_BUCKET'), prefix: process.env.LAKE_PREFIX ?? '' });

/**
 * Ingest step in AWS, one invocation per source. The bundled data ship in the Lambda asset
 * (`data/bundled`, `data-schemas/reference` under the task root) and land in the S3 lake. A live source
 * runs the monthly refresh for its period, with its API key read from the SSM parameter named in
 * `<SOURCE>_API_KEY_PARAM`. Every source's manifest is `_runs/<runId>-<source>.json`, so parallel
 * sources of one execution never overwrite each other's manifest.
 */
export async function handleIngest(event: IngestEvent, deps: HandlerDeps = {}): Promise<IngestSummary> {
  const source = sourceOf(event);
  const store = lakeStore();
  const now = deps.now ?? (() => new Date());
  // Same shape as the CLI's run ids: an ISO timestamp made key-safe.
  const baseId = event.runId ?? now().toISOString().replace(/[:.]/g, '-');
  const runId = `${baseId}-${source}`;
  const manifest =
    source === BUNDLED_SOURCE
      ? await runIngest({ store, runId, onProgress: log })
      : await runRefresh({
          store,
          runId,
          now,
          http: deps.http,
          period: event.period ?? defaultRefreshPeriod(now()),
          sources: [source as LiveSourceId],
          resolveParameter: ssmParameterResolver(),
          onProgress: progressBar((text) => log(text.trimEnd())),
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
    manifestKey: manifestKey(runId),
  };
}

/** The failure path of the state machine: finish or discard what the failed run of `event.source` staged. */
export async function handleRecover(event: IngestEvent): Promise<RecoverySummary> {
  const source = sourceOf(event);
  const recovered = await recoverSource(lakeStore(), source);
  for (const r of recovered) log(`${source}: ${r.action} the staged writes of run ${r.id} (${r.objects} objects)`);
  return { source, recovered };
}

export function handler(event: IngestEvent & { recover: true }): Promise<RecoverySummary>;
export function handler(event: IngestEvent): Promise<IngestSummary>;
export function handler(event: IngestEvent): Promise<IngestSummary | RecoverySummary> {
  return event?.recover ? handleRecover(event) : handleIngest(event);
}
