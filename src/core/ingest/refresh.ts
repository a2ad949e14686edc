import { LIVE_SOURCES, type LiveSourceId } from '../sources.ts';
import { newRunId } from '../lake/run-id.ts';
import { fetchHttpClient } from '../http/http-client.ts';
import { redactHeaders, redactUrl } from '../http/redact.ts';
import type { HttpContext } from '../http/retry.ts';
import type { ObjectStore } from '../seams/object-store.ts';
import { apiKeysFromEnv, type ParameterResolver } from './api-keys.ts';
import { runIngest } from './ingest.ts';
import { liveIngestSource } from './live-ingest-source.ts';
import { loadLiveReference } from './live-reference.ts';
import {
  ingestSelection,
  refreshSelection,
  type IngestCliOptions,
  type LiveSelection,
  type RefreshWindow,
  type ScopeOverrides,
} from './live-selection.ts';
import type { IngestManifest } from '../lake/manifest.ts';
import type { LiveProgress } from './progress-bar.ts';
import { planCensus } from './sources/census.ts';
import { planComtrade } from './sources/comtrade.ts';
import type { LiveSourcePlan } from './sources/live-source.ts';
import { planUsgs, type UsgsOptions } from './sources/usgs.ts';

interface LiveRunOptions {
  store: ObjectStore;
  /** Default: `<kind>-<period>-<start time>`. */
  runId?: string;
  /** The HTTP seam; default: Node fetch with the default retry policy. */
  http?: HttpContext;
  now?: () => Date;
  env?: Record<string, string | undefined>;
  /** Reads `*_API_KEY_PARAM` parameters (the Lambda passes ssmParameterResolver()). */
  resolveParameter?: ParameterResolver;
  /** Progress lines and a request event before each call (feed it to progressBar). */
  onProgress?: (p: LiveProgress) => void;
  referenceDir?: string;
  dataDir?: string;
  usgs?: UsgsOptions;
}

export interface RefreshOptions extends LiveRunOptions {
  /** The month being refreshed, YYYY-MM. */
  period: string;
  sources?: readonly LiveSourceId[];
  window?: Partial<RefreshWindow>;
  overrides?: ScopeOverrides;
}

export interface LiveIngestOptions extends LiveRunOptions {
  ingest: IngestCliOptions;
}

/** What to fetch: a refresh of a period, or an ad-hoc `ingest --source …` with its options. */
export type PlanJob =
  | { ingest: IngestCliOptions }
  | { period: string; sources?: readonly LiveSourceId[]; window?: Partial<RefreshWindow>; overrides?: ScopeOverrides };

type PlanOptions = Omit<LiveRunOptions, 'store' | 'http' | 'onProgress' | 'runId'>;

/** Selection and per-source plans of a job; no network. */
async function planLive(
  job: PlanJob,
  o: PlanOptions,
  now: Date,
): Promise<{ selection: LiveSelection; plans: LiveSourcePlan[] }> {
  const ref = await loadLiveReference(o.referenceDir, o.dataDir);
  const selection =
    'ingest' in job
      ? ingestSelection(job.ingest, ref, now, o.usgs)
      : refreshSelection(job.period, job.sources ?? LIVE_SOURCES, ref, {
          window: job.window,
          overrides: job.overrides,
          usgs: o.usgs,
        });
  const keys = await apiKeysFromEnv(o.env ?? process.env, o.resolveParameter);
  const plans = [
    selection.comtrade && planComtrade(selection.comtrade, ref, { apiKey: keys.comtrade }),
    selection.census && planCensus(selection.census, ref, { apiKey: keys.census }),
    selection.usgs && planUsgs(ref, selection.usgs),
  ].filter((p): p is LiveSourcePlan => p !== undefined);
  return { selection, plans };
}

/** Plan the job and run it through the one ingest path (write, quarantine, manifest) every source shares. */
async function runLive(job: PlanJob, o: LiveRunOptions): Promise<IngestManifest> {
  const started = (o.now ?? (() => new Date()))();
  const kind = 'ingest' in job ? 'ingest' : 'refresh';
  const { selection, plans } = await planLive(job, o, started);
  const http = o.http ?? { http: fetchHttpClient };
  const progress = o.onProgress ?? (() => {});
  return runIngest({
    store: o.store,
    runId: o.runId ?? newRunId(started, `${kind}-${selection.period ?? 'adhoc'}-`),
    now: o.now ? started : undefined,
    kind,
    period: selection.period,
    sources: plans.map((plan) => liveIngestSource(plan, http, progress)),
    onProgress: (text) => progress({ kind: 'line', text }),
  });
}

/**
 * `chainwatch refresh --period 2025-06` and the Step Functions refresh: fetch each source's window
 * ending at the period, keep what is unchanged, rewrite only the partitions whose content changed,
 * and record the run. Running it twice gives a byte-identical curated lake.
 */
export const runRefresh = (o: RefreshOptions): Promise<IngestManifest> =>
  runLive({ period: o.period, sources: o.sources, window: o.window, overrides: o.overrides }, o);

/** `chainwatch ingest --source comtrade|census|usgs [--from --to --reporters --hs]`. */
export const runLiveIngest = (o: LiveIngestOptions): Promise<IngestManifest> => runLive({ ingest: o.ingest }, o);

/** One request as `--dry-run` prints it: nothing is fetched, and secrets are masked. */
export interface PlannedRequest {
  source: LiveSourceId;
  label: string;
  url: string;
  headers: Record<string, string>;
}

/**
 * The requests a run would make, for `--dry-run`. Comtrade with a key may split a planned call after
 * its countOnly check; that split is decided by the live count, so it is not shown here.
 */
export async function planRequests(
  job: PlanJob,
  o: PlanOptions = {},
): Promise<{ requests: PlannedRequest[]; notices: string[] }> {
  const { plans } = await planLive(job, o, (o.now ?? (() => new Date()))());
  return {
    requests: plans.flatMap((p) =>
      p.requests.map((r) => ({
        source: r.source,
        label: r.label,
        url: redactUrl(r.url),
        headers: redactHeaders(r.headers),
      })),
    ),
    notices: plans.flatMap((p) => p.notices),
  };
}
