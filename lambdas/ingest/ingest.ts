import { columnsOf } from '../../data-schemas/table.ts';
import { ChainwatchError, SourceError, UsageError } from '../../src/errors.ts';
import { partitionPath } from '../../src/lake/partitions.ts';
import { commitStaged, recoverStaged, type CommitPlan, type Recovery } from '../../src/lake/staged-commit.ts';
import { putJson, type ObjectStore } from '../../src/store/object-store.ts';
import { manifestKey, quarantineKeyOf, stagingPrefixOf, type IngestManifest, type SourceRun, type TableWrite } from './manifest.ts';
import { planMerge } from './partition-merge.ts';
import { reject, type Reject } from './rows.ts';
import type { IngestContext, IngestSource, SettledTable, SourceBatch } from './source.ts';
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

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const CITATION_FILES = 'data/bundled/SOURCES.md or data-schemas/reference/sources.csv';

/**
 * Provenance is a rule, not a habit: a row whose source_id has no citation in the sources table
 * (as landed in this run) does not ship.
 */
function requireCitations(tables: readonly SettledTable[]): void {
  const sourcesTable = tables.find((t) => t.table.name === 'sources');
  const cited = new Set(sourcesTable?.settled.rows.map((c) => c.row.source_id));
  for (const { table, settled } of tables) {
    if (table === sourcesTable?.table || !columnsOf(table).some((c) => c.name === 'source_id')) continue;
    const uncited = settled.rows.filter((c) => !cited.has(c.row.source_id));
    if (uncited.length === 0) continue;
    settled.rows = settled.rows.filter((c) => cited.has(c.row.source_id));
    settled.rejects.push(...uncited.map((c) => reject(c.origin, table.name, `source_id ${String(c.row.source_id)} has no citation in ${CITATION_FILES}`)));
  }
}

const byOrigin = (a: Reject, b: Reject): number =>
  a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0);

/**
 * Write a source's quarantine and curated tables; return its manifest entry. Each table is merged
 * into exactly the partitions its coverages name, and a partition file is rewritten only when its
 * bytes change, so a rerun with the same inputs touches nothing. The changed files of all of the
 * source's tables are staged and switched in by one commit marker: a crash before it leaves the
 * curated tables exactly as they were, one after it is finished by the source's next run.
 */
async function writeBatch(store: ObjectStore, runId: string, batch: SourceBatch, progress: (line: string) => void): Promise<SourceRun> {
  requireCitations(batch.tables);
  const rejects = batch.tables.flatMap((t) => t.settled.rejects).sort(byOrigin);
  const quarantineKey = rejects.length > 0 ? quarantineKeyOf(batch.source, runId) : null;
  if (quarantineKey) {
    await store.put(quarantineKey, rejects.map((r) => JSON.stringify(r)).join('\n') + '\n', 'application/x-ndjson');
    progress(`${quarantineKey}: ${rejects.length} rows quarantined`);
  }
  const tables: Record<string, TableWrite> = {};
  const partitions: SourceRun['partitions'] = { written: [], deleted: [], unchanged: 0 };
  const commit: CommitPlan = { puts: [], deletes: [] };
  for (const { table, settled, coverages } of batch.tables) {
    const rows = settled.rows.map((c) => c.row);
    const plan = await planMerge(store, table, coverages, rows);
    commit.puts.push(...plan.puts);
    commit.deletes.push(...plan.deletes);
    tables[table.name] = { rows: rows.length, partitionsWritten: plan.puts.length };
    partitions.written.push(...plan.puts.map((p) => p.key));
    partitions.deleted.push(...plan.deletes);
    partitions.unchanged += plan.unchanged.length;
    const holding = new Set(rows.map((r) => partitionPath(table, r))).size;
    progress(`curated/${table.name}: ${rows.length} rows in ${holding} partition${holding === 1 ? '' : 's'}`);
  }
  const run: SourceRun = {
    inputs: batch.inputs,
    rowsIn: batch.inputs.reduce((n, i) => n + i.rows, 0),
    rowsDerived: batch.derived,
    rowsOut: Object.values(tables).reduce((n, t) => n + t.rows, 0),
    rowsRejected: rejects.length,
    rowsDuplicate: batch.tables.reduce((n, t) => n + t.settled.duplicates, 0),
    quarantineKey,
    tables,
    status: 'fresh',
    partitions,
  };
  if (run.rowsIn + run.rowsDerived !== run.rowsOut + run.rowsRejected + run.rowsDuplicate) {
    throw new Error(`Row accounting broken for ${batch.source}: ${JSON.stringify({ ...run, inputs: undefined, tables: undefined, partitions: undefined })}`);
  }
  // Only a batch whose every row is accounted for is switched in.
  await commitStaged(store, stagingPrefixOf(batch.source), runId, commit);
  return run;
}

/**
 * Finish (committed) or discard (uncommitted) what interrupted runs of a source left staged. Every run
 * of the source does this first; the pipeline also does it right after a source's run failed, so the
 * next steps never read a half-applied commit.
 */
export const recoverSource = (store: ObjectStore, source: string): Promise<Recovery[]> => recoverStaged(store, stagingPrefixOf(source));

/**
 * Collect and write one source; a live source that is down becomes a stale entry instead of failing
 * the run. First, whatever an earlier run of this source left staged is finished (it had committed)
 * or thrown away (it had not), so the merge starts from a decided lake.
 */
async function runSource(ctx: IngestContext, source: IngestSource): Promise<SourceRun> {
  const recovered = await recoverSource(ctx.store, source.id);
  for (const r of recovered) ctx.progress(`${source.id}: ${r.action} the staged writes of interrupted run ${r.id} (${r.objects} objects)`);
  let run: SourceRun;
  try {
    const batch = await source.collect(ctx);
    run = await writeBatch(ctx.store, ctx.runId, batch, ctx.progress);
    if (source.committed) run = await source.committed(ctx, run);
  } catch (error) {
    if (!(error instanceof SourceError && source.failed)) throw error;
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
  if (!RUN_ID.test(opts.runId)) {
    throw new UsageError(`Run id "${opts.runId}" cannot be used in an object key`, 'Use letters, digits, ".", "_" and "-" only, e.g. 2026-02-01T00-00-00-000Z.');
  }
  const clock = () => (opts.now ?? new Date()).toISOString();
  const progress = opts.onProgress ?? (() => {});
  const startedAt = clock();
  const ctx: IngestContext = { store: opts.store, runId: opts.runId, at: startedAt, period: opts.period, progress };
  const head = { runId: opts.runId, kind: opts.kind ?? 'ingest', ...(opts.period ? { period: opts.period } : {}), startedAt } as const;
  const runs: Record<string, SourceRun> = {};
  // Temp files of writers that died mid-put are invisible to readers; remove them before writing anew.
  const leftovers = (await opts.store.removeLeftovers?.()) ?? [];
  if (leftovers.length > 0) progress(`removed ${leftovers.length} temp file${leftovers.length === 1 ? '' : 's'} of interrupted writers`);
  // Replaced at the end by the real outcome: a killed or timed-out run leaves this behind.
  await putJson(opts.store, manifestKey(opts.runId), {
    ...head, finishedAt: startedAt, outcome: 'failed', sources: {}, staleSources: [],
    error: {
      name: 'Unfinished',
      message: `Run ${opts.runId} started at ${startedAt} and did not record an outcome (it is still running, or it was killed or timed out)`,
      hint: 'Run the ingest again: each source first finishes or discards the staged writes of an interrupted run.',
    },
  } satisfies IngestManifest);
  try {
    for (const source of opts.sources ?? [bundledSource({ dataDir: opts.dataDir })]) runs[source.id] = await runSource(ctx, source);
    const manifest: IngestManifest = {
      ...head,
      finishedAt: clock(),
      outcome: 'succeeded',
      sources: runs,
      staleSources: Object.entries(runs).filter(([, r]) => r.status === 'stale').map(([id]) => id),
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
