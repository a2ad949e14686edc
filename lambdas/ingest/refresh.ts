import { fetchHttpClient } from '../../src/http/http-client.ts';
import { redactHeaders, redactUrl } from '../../src/http/redact.ts';
import type { HttpContext } from '../../src/http/retry.ts';
import type { ObjectStore } from '../../src/store/object-store.ts';
import { UsageError } from '../../src/errors.ts';
import { apiKeysFromEnv, type ApiKeys, type ParameterResolver } from './api-keys.ts';
import { runIngest } from './ingest.ts';
import { liveIngestSource } from './live-ingest-source.ts';
import { loadLiveReference, type LiveReference } from './live-reference.ts';
import { ingestSelection, refreshSelection, type IngestCliOptions, type LiveSelection, type RefreshWindow, type ScopeOverrides } from './live-selection.ts';
import type { IngestManifest } from './manifest.ts';
import type { LiveProgress } from './progress-bar.ts';
import { planCensus } from './sources/census.ts';
import { planComtrade } from './sources/comtrade.ts';
import { LIVE_SOURCES, type LiveSourceId, type LiveSourcePlan } from './sources/live-source.ts';
import { planUsgs, type UsgsOptions } from './sources/usgs.ts';

export interface LiveRunOptions {
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

function plansFor(selection: LiveSelection, ref: LiveReference, keys: ApiKeys): LiveSourcePlan[] {
  return [
    selection.comtrade && planComtrade(selection.comtrade, ref, { apiKey: keys.comtrade }),
    selection.census && planCensus(selection.census, ref, { apiKey: keys.census }),
    selection.usgs && planUsgs(ref, selection.usgs),
  ].filter((p): p is LiveSourcePlan => p !== undefined);
}

/** Plan the selection and run it through the one ingest path (write, quarantine, manifest) every source shares. */
async function runLive(kind: IngestManifest['kind'], o: LiveRunOptions, select: (ref: LiveReference, now: Date) => LiveSelection): Promise<IngestManifest> {
  const started = (o.now ?? (() => new Date()))();
  const ref = await loadLiveReference(o.referenceDir, o.dataDir);
  const selection = select(ref, started);
  const keys = await apiKeysFromEnv(o.env ?? process.env, o.resolveParameter);
  const http = o.http ?? { http: fetchHttpClient };
  const progress = o.onProgress ?? (() => {});
  return runIngest({
    store: o.store,
    runId: o.runId ?? `${kind}-${selection.period ?? 'adhoc'}-${started.toISOString().replace(/[:.]/g, '-')}`,
    now: o.now ? started : undefined,
    kind,
    period: selection.period,
    sources: plansFor(selection, ref, keys).map((plan) => liveIngestSource(plan, http, progress)),
    onProgress: (text) => progress({ kind: 'line', text }),
  });
}

/**
 * `chainwatch refresh --period 2025-06` and the Step Functions refresh: fetch each source's window
 * ending at the period, keep what is unchanged, rewrite only the partitions whose content changed,
 * and record the run. Running it twice gives a byte-identical curated lake.
 */
export function runRefresh(o: RefreshOptions): Promise<IngestManifest> {
  const sources = o.sources ?? LIVE_SOURCES;
  for (const s of sources) {
    if (!(LIVE_SOURCES as readonly string[]).includes(s)) throw new UsageError(`Unknown live source "${s}"`, `Use ${LIVE_SOURCES.join(', ')}.`);
  }
  return runLive('refresh', o, (ref) => refreshSelection(o.period, sources, ref, { window: o.window, overrides: o.overrides, usgs: o.usgs }));
}

/** `chainwatch ingest --source comtrade|census|usgs [--from --to --reporters --hs]`. */
export function runLiveIngest(o: LiveIngestOptions): Promise<IngestManifest> {
  return runLive('ingest', o, (ref, now) => ingestSelection(o.ingest, ref, now, o.usgs));
}

/** One request as `--dry-run` prints it: nothing is fetched, and secrets are masked. */
export interface PlannedRequest {
  source: LiveSourceId;
  label: string;
  url: string;
  headers: Record<string, string>;
}

export type PlanJob =
  | { ingest: IngestCliOptions }
  | { period: string; sources?: readonly LiveSourceId[]; window?: Partial<RefreshWindow>; overrides?: ScopeOverrides };

/**
 * The requests a run would make, for `--dry-run`. Comtrade with a key may split a planned call after
 * its countOnly check; that split is decided by the live count, so it is not shown here.
 */
export async function planRequests(
  job: PlanJob,
  o: Omit<LiveRunOptions, 'store' | 'http' | 'onProgress' | 'runId'> = {},
): Promise<{ requests: PlannedRequest[]; notices: string[] }> {
  const ref = await loadLiveReference(o.referenceDir, o.dataDir);
  const now = (o.now ?? (() => new Date()))();
  const selection = 'ingest' in job
    ? ingestSelection(job.ingest, ref, now, o.usgs)
    : refreshSelection(job.period, job.sources ?? LIVE_SOURCES, ref, { window: job.window, overrides: job.overrides, usgs: o.usgs });
  const plans = plansFor(selection, ref, await apiKeysFromEnv(o.env ?? process.env, o.resolveParameter));
  return {
    requests: plans.flatMap((p) => p.requests.map((r) => ({ source: r.source, label: r.label, url: redactUrl(r.url), headers: redactHeaders(r.headers) }))),
    notices: plans.flatMap((p) => p.notices),
  };
}
