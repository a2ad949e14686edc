import { sources as sourcesTable } from '../../data-schemas/curated.ts';
import type { TableDef } from '../../data-schemas/table.ts';
import { ChainwatchError, SourceError, UsageError } from '../../src/errors.ts';
import { fetchHttpClient } from '../../src/http/http-client.ts';
import { redactHeaders, redactUrl } from '../../src/http/redact.ts';
import type { HttpContext } from '../../src/http/retry.ts';
import { partitionPath } from '../../src/lake/partitions.ts';
import { putJson, type ObjectStore } from '../../src/store/object-store.ts';
import { apiKeysFromEnv, type ApiKeys, type ParameterResolver } from './api-keys.ts';
import { loadLiveReference, type LiveReference } from './live-reference.ts';
import { ingestSelection, refreshSelection, type IngestCliOptions, type LiveSelection, type RefreshWindow, type ScopeOverrides } from './live-selection.ts';
import { manifestKey, quarantineKeyOf, type IngestInput, type IngestManifest, type SourceRun, type TableWrite } from './manifest.ts';
import { mergePartitions } from './partition-merge.ts';
import type { LiveProgress } from './progress-bar.ts';
import { landRaw } from './raw.ts';
import { reject, type Candidate, type Normalized, type Reject } from './rows.ts';
import { settle } from './settle.ts';
import { readSourceState, writeSourceState, type RunMark, type SourceState } from './source-state.ts';
import { planCensus } from './sources/census.ts';
import { planComtrade } from './sources/comtrade.ts';
import { LIVE_SOURCES, type Coverage, type FetchedResponse, type LiveSourceId, type LiveSourcePlan } from './sources/live-source.ts';
import { planUsgs, type UsgsOptions } from './sources/usgs.ts';
import { tableDef } from './tables.ts';

/** A live source's entry in the run manifest: the bundled accounting plus freshness and what changed. */
export interface LiveSourceRun extends SourceRun {
  /** 'stale' when the source failed after retries: its curated data are the last good ones, untouched. */
  status: 'fresh' | 'stale';
  requests: { planned: number; responses: number; unchanged: number };
  /** Curated partition files replaced or deleted by this run (unchanged ones are not rewritten). */
  partitions: { written: string[]; deleted: string[]; unchanged: number };
  warnings: string[];
  /** The run whose data this source now serves. */
  lastSuccess: RunMark | null;
  error?: { name: string; message: string; hint?: string };
}

/** `_runs/<run-id>.json` of a refresh or a live ingest. */
export interface LiveManifest extends Omit<IngestManifest, 'sources'> {
  kind: 'refresh' | 'ingest';
  period?: string;
  sources: Record<string, LiveSourceRun>;
  /** Sources that failed this run and are served from their last good data. */
  staleSources: string[];
}

export interface LiveRunOptions {
  store: ObjectStore;
  /** Default: `<kind>-<period>-<start time>`. */
  runId?: string;
  /** The HTTP seam; default: Node fetch with the default retry policy. */
  http?: HttpContext;
  now?: () => Date;
  env?: Record<string, string | undefined>;
  resolveParameter?: ParameterResolver;
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

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function plansFor(selection: LiveSelection, ref: LiveReference, keys: ApiKeys): LiveSourcePlan[] {
  return [
    selection.comtrade && planComtrade(selection.comtrade, ref, { apiKey: keys.comtrade }),
    selection.census && planCensus(selection.census, ref, { apiKey: keys.census }),
    selection.usgs && planUsgs(ref, selection.usgs),
  ].filter((p): p is LiveSourcePlan => p !== undefined);
}

const byOrigin = (a: Reject, b: Reject): number =>
  a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0);

/** A row outside every partition its response covers (e.g. a 2020 record in a 2021 reply) is not trusted. */
function withinCoverage(table: TableDef, coverage: Coverage, parsed: Normalized): Normalized {
  const covered = new Set(coverage.partitions.map((p) => partitionPath(table, p)));
  const candidates: Candidate[] = [];
  const rejects = [...parsed.rejects];
  for (const c of parsed.candidates) {
    const path = partitionPath(table, c.row);
    if (covered.has(path)) candidates.push(c);
    else rejects.push(reject(c.origin, table.name, `row for ${path} lies outside the partitions the request covers`));
  }
  return { candidates, rejects };
}

interface SourceContext {
  store: ObjectStore;
  runId: string;
  at: string;
  period?: string;
  http: HttpContext;
  progress: (p: LiveProgress) => void;
}

const emptyRun = (state: SourceState, planned: number): LiveSourceRun => ({
  inputs: [], rowsIn: 0, rowsDerived: 0, rowsOut: 0, rowsRejected: 0, rowsDuplicate: 0, quarantineKey: null, tables: {},
  status: 'fresh', requests: { planned, responses: 0, unchanged: 0 }, partitions: { written: [], deleted: [], unchanged: 0 },
  warnings: [], lastSuccess: state.lastSuccess,
});

/**
 * One live source: fetch every planned request (a SourceError after retries makes the source stale
 * and leaves its curated data alone), land each body under raw/ by content hash, skip responses
 * identical to the last ones seen, parse and validate the rest, merge them into exactly the partitions
 * they cover, quarantine rejects, then record the new state.
 */
async function runSource(plan: LiveSourcePlan, c: SourceContext): Promise<LiveSourceRun> {
  const state = await readSourceState(c.store, plan.source);
  const run = emptyRun(state, plan.requests.length);
  for (const message of plan.notices) c.progress({ kind: 'note', source: plan.source, message });

  const responses: FetchedResponse[] = [];
  try {
    for (const [i, request] of plan.requests.entries()) {
      c.progress({ kind: 'request', source: plan.source, done: i, total: plan.requests.length, label: request.label });
      responses.push(...(await request.fetch(c.http)));
    }
    c.progress({ kind: 'request', source: plan.source, done: plan.requests.length, total: plan.requests.length, label: '' });
  } catch (error) {
    if (!(error instanceof SourceError)) throw error;
    c.progress({ kind: 'note', source: plan.source, message: `stale: ${error.message}` });
    state.status = 'stale';
    state.lastFailure = { runId: c.runId, at: c.at, ...(c.period ? { period: c.period } : {}), error: error.message, hint: error.hint };
    await writeSourceState(c.store, state);
    return { ...run, status: 'stale', error: { name: error.name, message: error.message, hint: error.hint } };
  }

  const changed: { response: FetchedResponse; rawKey: string; input: IngestInput }[] = [];
  const seen: SourceState['responses'] = {};
  for (const response of responses) {
    const landed = await landRaw(c.store, plan.source, response.file, response.body);
    const input: IngestInput = { file: response.file, rawKey: landed.rawKey, sha256: landed.sha256, rows: 0 };
    run.inputs.push(input);
    const previous = state.responses[response.key];
    if (previous?.sha256 === landed.sha256) {
      run.requests.unchanged++;
      seen[response.key] = previous;
    } else {
      changed.push({ response, rawKey: landed.rawKey, input });
      seen[response.key] = { sha256: landed.sha256, rawKey: landed.rawKey, runId: c.runId };
    }
  }
  run.requests.responses = responses.length;

  // Per table: the changed responses' coverages and rows, validated together (so duplicates across responses are caught).
  const byTable = new Map<string, { table: TableDef; coverages: Coverage[]; parts: Normalized[] }>();
  for (const { response, rawKey, input } of changed) {
    const parsed = response.parse(rawKey);
    input.rows = parsed.rowsRead;
    run.rowsIn += parsed.rowsRead;
    run.rowsDerived += parsed.rowsDerived;
    run.warnings.push(...parsed.warnings.map((w) => `${response.file}: ${w}`));
    const { table } = response.coverage;
    const entry = byTable.get(table.name) ?? { table, coverages: [], parts: [] };
    entry.coverages.push(response.coverage);
    entry.parts.push(withinCoverage(table, response.coverage, parsed));
    byTable.set(table.name, entry);
  }
  if (changed.length > 0) {
    // The citations of what this source landed: derived rows of the sources table, replaced as a set.
    const ids = new Set(plan.citations.map((s) => s.source_id));
    const origin = { file: `${plan.source} citations`, line: 0, raw: {} };
    byTable.set(sourcesTable.name, {
      table: tableDef(sourcesTable),
      coverages: [{ table: tableDef(sourcesTable), partitions: [{}], owns: (row) => ids.has(row.source_id as string) }],
      parts: [{ candidates: plan.citations.map((row) => ({ table: sourcesTable.name, origin, row, derived: true })), rejects: [] }],
    });
    run.rowsDerived += plan.citations.length;
  }

  const rejects: Reject[] = [];
  for (const { table, coverages, parts } of byTable.values()) {
    const settled = settle<Record<string, unknown>>(table, { candidates: parts.flatMap((p) => p.candidates), rejects: parts.flatMap((p) => p.rejects) });
    rejects.push(...settled.rejects);
    run.rowsDuplicate += settled.duplicates;
    const merged = await mergePartitions(c.store, table, coverages, settled.rows.map((r) => r.row));
    const write: TableWrite = { rows: settled.rows.length, partitionsWritten: merged.written.length };
    run.tables[table.name] = write;
    run.rowsOut += settled.rows.length;
    run.partitions.written.push(...merged.written);
    run.partitions.deleted.push(...merged.deleted);
    run.partitions.unchanged += merged.unchanged.length;
  }
  run.rowsRejected = rejects.length;
  if (rejects.length > 0) {
    run.quarantineKey = quarantineKeyOf(plan.source, c.runId);
    await c.store.put(run.quarantineKey, rejects.sort(byOrigin).map((r) => JSON.stringify(r)).join('\n') + '\n', 'application/x-ndjson');
  }
  if (run.rowsIn + run.rowsDerived !== run.rowsOut + run.rowsRejected + run.rowsDuplicate) {
    throw new Error(`Row accounting broken for ${plan.source}: ${JSON.stringify({ ...run, inputs: undefined, tables: undefined })}`);
  }

  const lastSuccess: RunMark = { runId: c.runId, at: c.at, ...(c.period ? { period: c.period } : {}) };
  await writeSourceState(c.store, { ...state, status: 'fresh', lastSuccess, responses: { ...state.responses, ...seen } });
  return { ...run, lastSuccess };
}

async function runLive(kind: 'refresh' | 'ingest', o: LiveRunOptions, select: (ref: LiveReference, now: Date) => LiveSelection): Promise<LiveManifest> {
  const now = o.now ?? (() => new Date());
  const started = now();
  const ref = await loadLiveReference(o.referenceDir, o.dataDir);
  const selection = select(ref, started);
  const runId = o.runId ?? `${kind}-${selection.period ?? 'adhoc'}-${started.toISOString().replace(/[:.]/g, '-')}`;
  if (!RUN_ID.test(runId)) throw new UsageError(`Run id "${runId}" cannot be used in an object key`, 'Use letters, digits, ".", "_" and "-" only.');
  const keys = await apiKeysFromEnv(o.env ?? process.env, o.resolveParameter);
  const context: SourceContext = {
    store: o.store, runId, at: started.toISOString(), period: selection.period,
    http: o.http ?? { http: fetchHttpClient }, progress: o.onProgress ?? (() => {}),
  };
  const sources: Record<string, LiveSourceRun> = {};
  const base = { runId, kind, ...(selection.period ? { period: selection.period } : {}), startedAt: context.at };
  try {
    for (const plan of plansFor(selection, ref, keys)) sources[plan.source] = await runSource(plan, context);
  } catch (error) {
    // Not a source being down (that is a stale source) but a bug or a broken lake: record it and stop.
    const e = error as Error;
    const failed: LiveManifest = {
      ...base, finishedAt: now().toISOString(), outcome: 'failed', sources, staleSources: [],
      error: { name: e.name, message: e.message, hint: error instanceof ChainwatchError ? error.hint : undefined },
    };
    await putJson(o.store, manifestKey(runId), failed).catch(() => {});
    throw error;
  }
  const manifest: LiveManifest = {
    ...base,
    finishedAt: now().toISOString(),
    // A stale source does not fail the run: the site publishes with its last good data and says so.
    outcome: 'succeeded',
    sources,
    staleSources: Object.entries(sources).filter(([, s]) => s.status === 'stale').map(([id]) => id),
  };
  await putJson(o.store, manifestKey(runId), manifest);
  return manifest;
}

/**
 * `chainwatch refresh --period 2025-06` and the Step Functions refresh: fetch each source's window
 * ending at the period, keep what is unchanged, rewrite only the partitions whose content changed,
 * and record the run. Running it twice gives a byte-identical curated lake.
 */
export function runRefresh(o: RefreshOptions): Promise<LiveManifest> {
  const sources = o.sources ?? LIVE_SOURCES;
  for (const s of sources) {
    if (!(LIVE_SOURCES as readonly string[]).includes(s)) throw new UsageError(`Unknown live source "${s}"`, `Use ${LIVE_SOURCES.join(', ')}.`);
  }
  return runLive('refresh', o, (ref) => refreshSelection(o.period, sources, ref, { window: o.window, overrides: o.overrides, usgs: o.usgs }));
}

/** `chainwatch ingest --source comtrade|census|usgs [--from --to --reporters --hs]`. */
export function runLiveIngest(o: LiveIngestOptions): Promise<LiveManifest> {
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
