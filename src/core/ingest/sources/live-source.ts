import type { LiveSourceId } from '../../sources.ts';
import type { SourceRow } from '../../../../data-schemas/curated.ts';
import type { HttpContext } from '../../http/retry.ts';
import type { Coverage } from '../partition-merge.ts';
import type { Normalized } from '../rows.ts';

/** What a response parses into: rows for the coverage table, rejects with reasons, and schema-drift notes. */
export interface Parsed extends Normalized {
  /** Records read from the response (each becomes one candidate or one reject). */
  rowsRead: number;
  /** Rows built from read ones (Census annual totals from December's year-to-date), landed or rejected. */
  rowsDerived: number;
  /** E.g. "unknown field newField ignored": tolerated, but reported in the manifest. */
  warnings: string[];
}

/** One response as fetched: the bytes land in raw/ unchanged, then parse into rows. */
export interface FetchedResponse {
  source: LiveSourceId;
  /** Stable identity of the request (its URL without secrets): the key of the last-seen content hash. */
  key: string;
  /** File name under `raw/<source>/<hash>/`. */
  file: string;
  status: number;
  body: Uint8Array;
  coverage: Coverage;
  /** `rawKey` is where the body landed: rejects name it as their file. */
  parse: (rawKey: string) => Parsed;
}

/** One planned request (before any splitting a connector does when a response would be too large). */
export interface LiveRequest {
  source: LiveSourceId;
  /** Human label for progress and --dry-run, e.g. "census imports HS 854231 2024-07..2025-06". */
  label: string;
  /**
   * Requests of one group are validated and merged together, as one part of the run; requests of
   * different groups cover disjoint partitions, so each group is written as soon as it is fetched and
   * a run holds one group in memory (a Comtrade month: one period's partition). A plan lists each
   * group's requests one after the other.
   */
  group: string;
  /** Full URL; may hold a key, so print it only through redactUrl. */
  url: string;
  headers: Record<string, string>;
  /** Fetch with retries; a connector may split one planned request into several responses. */
  fetch: (ctx: HttpContext) => Promise<FetchedResponse[]>;
}

/** A live source module: plans requests for a scope and says whom to cite for its rows. */
export interface LiveSourcePlan {
  source: LiveSourceId;
  requests: LiveRequest[];
  citations: SourceRow[];
  /** Said once per run (e.g. "no COMTRADE_API_KEY: using the keyless preview, 500 records per call"). */
  notices: string[];
}
