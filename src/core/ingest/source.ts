import type { TableDef } from '../../../data-schemas/table.ts';
import type { SourceError } from '../errors.ts';
import type { ObjectStore } from '../seams/object-store.ts';
import type { IngestInput, SourceRun } from '../lake/manifest.ts';
import type { Coverage } from './partition-merge.ts';
import type { Settled } from './settle.ts';

/** The ingest source of the bundled files; its id is the `source` partition of every row they land. */

/** One curated table of a batch: its validated rows and what in the lake they replace. */
export interface SettledTable {
  table: TableDef;
  settled: Settled;
  /** Within these partitions, the rows these coverages own are replaced by `settled.rows`; nothing else is touched. */
  coverages: Coverage[];
}

/**
 * A piece of what one source produced, ready to check and write: the inputs it read and the rows it
 * validated from them. The parts of one run cover disjoint partitions (a row's duplicates can only be
 * in its own part), so each is merged and staged as soon as it comes, and the run holds one at a time.
 * A part whose rows cite sources must come after (or carry) the part with those citations. The
 * writer consumes a part (it drops the part's rows once they are merged): do not use it after yielding it.
 */
export interface SourcePart {
  inputs: IngestInput[];
  tables: SettledTable[];
  /** Rows built from an input's metadata rather than read (see SourceRun.rowsDerived). */
  derived: number;
}

/** What a source sees of the run. */
export interface IngestContext {
  store: ObjectStore;
  runId: string;
  /** The run's start, ISO 8601. */
  at: string;
  /** `--period` of a refresh. */
  period?: string;
  progress: (line: string) => void;
}

/**
 * A source of the ingest: bundled files or a live API. `collect` lands its raw inputs and yields
 * validated rows part by part; the ingest writes them the same way for every source, and switches
 * them in only after the last part. A live source that is down throws a SourceError from `collect`:
 * what its earlier parts staged is thrown away, `failed` records it and the run goes on without it.
 */
export interface IngestSource {
  id: string;
  collect(ctx: IngestContext): AsyncIterable<SourcePart>;
  /** After the batch is written and the manifest entry built (e.g. remember what was fetched). */
  committed?(ctx: IngestContext, run: SourceRun): Promise<SourceRun>;
  /** The manifest entry of a source that failed with a SourceError; without it, the error fails the run. */
  failed?(ctx: IngestContext, error: SourceError): Promise<SourceRun>;
}
