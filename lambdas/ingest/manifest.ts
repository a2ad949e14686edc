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
  partitionsWritten: number;
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
}

/** `_runs/<run-id>.json`. Written last: a run without a succeeded manifest did not publish. */
export interface IngestManifest {
  runId: string;
  startedAt: string;
  finishedAt: string;
  outcome: 'succeeded' | 'failed';
  sources: Record<string, SourceRun>;
  /** Why the run failed (the typed error's message and what to do next). */
  error?: { name: string; message: string; hint?: string };
}

export const manifestKey = (runId: string): string => `_runs/${runId}.json`;
export const quarantineKeyOf = (source: string, runId: string): string => `quarantine/${source}/${runId}/rejects.jsonl`;
