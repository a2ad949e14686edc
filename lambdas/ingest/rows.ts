/** Where a row came from: kept with the row until it is written, so a reject can always name its input line. */
export interface Origin {
  file: string;
  line: number;
  /** The input row as read (header name → text). */
  raw: Record<string, string>;
  /** A problem found while reading (e.g. a wrong field count): the row is rejected before it is normalized. */
  problem?: string;
}

/** A normalized row on its way to a curated table. */
export interface Candidate<R = Record<string, unknown>> {
  table: string;
  origin: Origin;
  row: R;
  /** Built by ingest from an input's own metadata instead of read from a row (counted as rowsDerived). */
  derived?: boolean;
}

/** One line of `quarantine/<source>/<run-id>/rejects.jsonl`. */
export interface Reject {
  file: string;
  line: number;
  row: Record<string, string>;
  reason: string;
  table: string;
}

/** What a normalizer returns: rows that go on, rows that stop here with a reason. */
export interface Normalized<R = Record<string, unknown>> {
  candidates: Candidate<R>[];
  rejects: Reject[];
}

export const concatNormalized = <R>(parts: readonly Normalized<R>[]): Normalized<R> => ({
  candidates: parts.flatMap((p) => p.candidates),
  rejects: parts.flatMap((p) => p.rejects),
});

export const reject = (origin: Origin, table: string, reason: string): Reject => ({
  file: origin.file,
  line: origin.line,
  row: origin.raw,
  reason,
  table,
});

/** Thrown inside a per-row normalizer to send that row to quarantine with a reason. */
export class RowProblem extends Error {}

/**
 * Run a per-row normalizer over records: a RowProblem becomes a reject with its message as reason;
 * any other error is a bug and propagates.
 */
export function normalizeRows<R>(
  table: string,
  origins: readonly Origin[],
  normalize: (origin: Origin) => R,
): Normalized<R> {
  const out: Normalized<R> = { candidates: [], rejects: [] };
  for (const origin of origins) {
    if (origin.problem) {
      out.rejects.push(reject(origin, table, origin.problem));
      continue;
    }
    try {
      out.candidates.push({ table, origin, row: normalize(origin) });
    } catch (e) {
      if (!(e instanceof RowProblem)) throw e;
      out.rejects.push(reject(origin, table, e.message));
    }
  }
  return out;
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A plain decimal number (no thousands separators, no units); anything else is a row problem naming the column. */
export function parseDecimal(text: string, column: string): number {
  const t = text.trim();
  if (!DECIMAL.test(t)) throw new RowProblem(`${column} "${text}" is not a number`);
  return Number(t);
}

export function parseNonNegative(text: string, column: string): number {
  const n = parseDecimal(text, column);
  if (n < 0) throw new RowProblem(`${column} ${text} is negative`);
  return n;
}

/** A required text field; empty is a row problem. */
export function required(raw: Record<string, string>, column: string): string {
  const v = (raw[column] ?? '').trim();
  if (v === '') throw new RowProblem(`required field ${column} is empty`);
  return v;
}

/** '' → null, for optional text columns. */
export const orNull = (text: string | undefined): string | null => {
  const t = (text ?? '').trim();
  return t === '' ? null : t;
};
