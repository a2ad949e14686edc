import { lakePrefix } from '../lake/layout.ts';
import type { IngestManifest } from '../lake/manifest.ts';
import { readSourceFreshness, type SourceState } from '../lake/source-state.ts';
import { getJson, textOf, type ObjectStore } from '../seams/object-store.ts';

/** Rejected rows of one quarantine file, counted by reason. */
interface QuarantineSummary {
  key: string;
  rows: number;
  reasons: { reason: string; rows: number }[];
}

/** What the data-quality page shows: the run manifests, each live source's state, and the latest quarantine of each source. */
export interface QualityData {
  /** Newest first. */
  runs: IngestManifest[];
  states: SourceState[];
  quarantine: Record<string, QuarantineSummary>;
  /** Sources the newest manifest or a source state marks stale. */
  staleSources: string[];
}

/** How many runs the page lists; older manifests stay in the lake. */
export const RUNS_SHOWN = 12;

/** How many distinct reasons the page lists per source, most frequent first; the file in the lake has every row. */
export const REASONS_SHOWN = 20;

async function quarantineOf(store: ObjectStore, key: string): Promise<QuarantineSummary | undefined> {
  const bytes = await store.get(key);
  if (!bytes) return undefined;
  const counts = new Map<string, number>();
  let rows = 0;
  for (const line of textOf(bytes).split('\n')) {
    if (!line.trim()) continue;
    rows++;
    const reason = String((JSON.parse(line) as { reason?: unknown }).reason ?? 'no reason recorded');
    counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  const reasons = [...counts]
    .map(([reason, n]) => ({ reason, rows: n }))
    .sort((a, b) => b.rows - a.rows || a.reason.localeCompare(b.reason));
  return { key, rows, reasons };
}

/**
 * Read the run history from the lake: `_runs/*.json`, `_state/*.json` and, for each source, the
 * quarantine file of its newest run. A lake without manifests (metrics copied in by hand) gives an
 * empty history, which the page says.
 */
export async function loadQuality(store: ObjectStore): Promise<QualityData> {
  const keys = (await store.list(lakePrefix.runs)).filter((k) => k.endsWith('.json'));
  const manifests = (await Promise.all(keys.map((k) => getJson<IngestManifest>(store, k)))).filter(
    (m): m is IngestManifest => m !== undefined,
  );
  const runs = manifests.sort((a, b) => b.startedAt.localeCompare(a.startedAt) || b.runId.localeCompare(a.runId));
  const states = (await readSourceFreshness(store)).sort((a, b) => a.source.localeCompare(b.source));

  // Only a source's newest run counts: an older quarantine describes rows that have since been replaced.
  const latest = latestBySource(runs);
  const quarantine: Record<string, QuarantineSummary> = {};
  for (const { source, entry } of latest) {
    const summary = entry.quarantineKey ? await quarantineOf(store, entry.quarantineKey) : undefined;
    if (summary) quarantine[source] = summary;
  }
  // Runs may write one manifest per source (in AWS, sources ingest in parallel): each source's own newest entry says whether it is stale.
  const stale = new Set([
    ...(runs[0]?.staleSources ?? []),
    ...latest.filter((l) => l.entry.status === 'stale').map((l) => l.source),
    ...states.filter((s) => s.status === 'stale').map((s) => s.source),
  ]);
  return { runs, states, quarantine, staleSources: [...stale].sort() };
}

export interface SourceLatest {
  source: string;
  run: IngestManifest;
  entry: IngestManifest['sources'][string];
}

/** Each source's newest run (runs newest first): the run it last appeared in and its accounting there. */
export function latestBySource(runs: readonly IngestManifest[]): SourceLatest[] {
  const seen = new Map<string, SourceLatest>();
  for (const run of runs)
    for (const [source, entry] of Object.entries(run.sources))
      if (!seen.has(source)) seen.set(source, { source, run, entry });
  return [...seen.values()].sort((a, b) => a.source.localeCompare(b.source));
}
