import type { Recovery } from './staged-commit.ts';

/** One input file of a run: what was read, where its exact bytes are kept, how many rows it held. */
export interface IngestInput {
  /** File name as landed (e.g. `us_imports_by_partner_hs6.csv`). */
  file: string;
  /** `raw/<source>/<sha256, 16 hex>/<file>`. */
  rawKey: string;
  /** Full hex SHA-256 of the file's bytes. */
  sha256: string;
  /** Data rows read (CSV records; SOURCES.md citation entries, with `A / _B` shorthand expanded). */
  rows: number;
}

export interface TableWrite {
  rows: number;
  /** Partition files replaced or created: a partition whose bytes would not change is not rewritten. */
  partitionsWritten: number;
}

/** When a run last succeeded or failed for a source. */
export interface RunMark {
  runId: string;
  at: string;
  /** `--period` of a refresh; absent for a plain ingest. */
  period?: string;
}

/** What a live source fetched: planned calls, responses (after any splitting), and those identical to the last run's. */
interface RequestCounts {
  planned: number;
  responses: number;
  unchanged: number;
}

/**
 * Row accounting of one source. Every row read ends in exactly one place:
 * `rowsIn + rowsDerived = rowsOut + rowsRejected + rowsDuplicate`, where rowsDerived counts rows
 * ingest builds from an input's own metadata rather than reads (the citation of an MCS chapter that
 * SOURCES.md does not list) and rowsOut counts rows written to curated tables (derived ones included).
 */
export interface SourceRun {
  inputs: IngestInput[];
  rowsIn: number;
  rowsDerived: number;
  rowsOut: number;
  rowsRejected: number;
  /** Exact duplicates (same key, same values) dropped; the first in input order was kept. */
  rowsDuplicate: number;
  /** `quarantine/<source>/<run-id>/rejects.jsonl`, or null when no row was rejected. */
  quarantineKey: string | null;
  tables: Record<string, TableWrite>;
  /** 'stale' when a live source failed after retries: its curated data are the last good ones, untouched. */
  status: 'fresh' | 'stale';
  /** Curated partition files this source replaced or deleted; the ones whose bytes stayed the same are only counted. */
  partitions: { written: string[]; deleted: string[]; unchanged: number };
  /** Live sources only. */
  requests?: RequestCounts;
  /** Tolerated schema drift, e.g. "unknown record field newField ignored". */
  warnings?: string[];
  /** The run whose data a live source now serves. */
  lastSuccess?: RunMark | null;
  /** Why a stale source failed. */
  error?: { name: string; message: string; hint?: string };
  /** Staged writes of earlier, interrupted runs of this source that this run finished or discarded before its own. */
  recovered?: Recovery[];
}

/** A source run's counters before its first row: nothing read, written or replaced. */
export const noRowsYet = (): Omit<SourceRun, 'status' | 'quarantineKey'> => ({
  inputs: [],
  rowsIn: 0,
  rowsDerived: 0,
  rowsOut: 0,
  rowsRejected: 0,
  rowsDuplicate: 0,
  tables: {},
  partitions: { written: [], deleted: [], unchanged: 0 },
});

/**
 * `_runs/<run-id>.json`. Written first as an unfinished run (outcome 'failed', error 'Unfinished'),
 * replaced by the real outcome last: a run that is killed or times out leaves the first one behind,
 * and a run without a succeeded manifest did not publish.
 */
export interface IngestManifest {
  runId: string;
  kind: 'ingest' | 'refresh';
  /** The month a refresh was for, YYYY-MM. */
  period?: string;
  startedAt: string;
  /** When the outcome was recorded; equals startedAt while the run has not finished. */
  finishedAt: string;
  outcome: 'succeeded' | 'failed';
  sources: Record<string, SourceRun>;
  /** Sources that failed this run and are served from their last good data (the site says so). */
  staleSources: string[];
  /** Why the run failed (the typed error's message and what to do next). */
  error?: { name: string; message: string; hint?: string };
}
