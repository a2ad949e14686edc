import { trimText } from '../spreadsheet.ts';

/** Where a row came from: kept with the row until it is written, so a reject can always name its input line. */
export interface Origin {
  file: string;
  line: number;
  /** The input row as read (header name → text). A reader may build it on first use: only rejects need it. */
  readonly raw: Record<string, string>;
  /** A problem found while reading (e.g. a wrong field count): the row is rejected before it is normalized. */
  problem?: string;
  /** The reader already held every field to MAX_FIELD_CHARS (so `raw` need not be built to check it). */
  lengthsChecked?: true;
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

/**
 * No field of any input chainwatch reads is longer than this (the longest bundled one has a few hundred
 * characters): a longer one is a broken file — a lost line break or quote — or a hostile one.
 */
export const MAX_FIELD_CHARS = 10_000;
/** How much of an over-long field a quarantine line repeats; the raw/ copy keeps every byte. */
const QUARANTINE_FIELD_CHARS = 1_000;

const shortened = (raw: Record<string, string>): Record<string, string> => {
  if (Object.values(raw).every((v) => v.length <= QUARANTINE_FIELD_CHARS)) return raw;
  return Object.fromEntries(
    Object.entries(raw).map(([k, v]) => [
      k,
      v.length <= QUARANTINE_FIELD_CHARS
        ? v
        : `${v.slice(0, QUARANTINE_FIELD_CHARS)}… (${v.length} characters in all; see the raw file)`,
    ]),
  );
};

export const reject = (origin: Origin, table: string, reason: string): Reject => ({
  file: origin.file,
  line: origin.line,
  row: shortened(origin.raw),
  reason,
  table,
});

/** The reason a row with an over-long field is rejected, if it has one. */
export function overLong(fields: Iterable<[string, string]>): string | undefined {
  for (const [name, value] of fields) {
    if (value.length > MAX_FIELD_CHARS)
      return `field ${name} is ${value.length} characters long (at most ${MAX_FIELD_CHARS}): a lost line break or quote, not a value`;
  }
  return undefined;
}

/** Thrown inside a per-row normalizer to send that row to quarantine with a reason. */
export class RowProblem extends Error {}

/**
 * Run a per-row normalizer over one record, adding it to `out`: a RowProblem becomes a reject with its
 * message as reason; any other error is a bug and propagates.
 */
export function normalizeRow<R>(
  table: string,
  origin: Origin,
  normalize: (origin: Origin) => R,
  out: Normalized<R>,
): void {
  const problem = origin.problem ?? (origin.lengthsChecked ? undefined : overLong(Object.entries(origin.raw)));
  if (problem) {
    out.rejects.push(reject(origin, table, problem));
    return;
  }
  try {
    out.candidates.push({ table, origin, row: normalize(origin) });
  } catch (e) {
    if (!(e instanceof RowProblem)) throw e;
    out.rejects.push(reject(origin, table, e.message));
  }
}

/** normalizeRow over records. */
export function normalizeRows<R>(
  table: string,
  origins: readonly Origin[],
  normalize: (origin: Origin) => R,
): Normalized<R> {
  const out: Normalized<R> = { candidates: [], rejects: [] };
  for (const origin of origins) normalizeRow(table, origin, normalize, out);
  return out;
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A plain decimal number (no thousands separators, no units); anything else is a row problem naming the column. */
export function parseDecimal(text: string, column: string): number {
  const t = text.trim();
  if (!DECIMAL.test(t)) throw new RowProblem(`${column} "${text}" is not a number`);
  const n = Number(t);
  // "1e999" is decimal text but no double: it would land as Infinity.
  if (!Number.isFinite(n)) throw new RowProblem(`${column} "${text}" is out of range`);
  return n;
}

/**
 * No statistic chainwatch reads comes near this (world trade is ~3e13 USD a year, the largest bundled
 * value is ~2e10): a value this large is a unit or parsing error, and sums of a few such overflow.
 */
const MAX_AMOUNT = 1e15;

/** A trade value, quantity or production figure: finite, not negative, below MAX_AMOUNT. */
export function checkAmount(n: number, column: string): number {
  if (!Number.isFinite(n)) throw new RowProblem(`${column} ${n} is not a finite number`);
  if (n < 0) throw new RowProblem(`${column} ${n} is negative`);
  if (n >= MAX_AMOUNT)
    throw new RowProblem(`${column} ${n} is implausibly large (at least ${MAX_AMOUNT}): a unit or parsing error`);
  return n;
}

export function parseNonNegative(text: string, column: string): number {
  const n = parseDecimal(text, column);
  // Said as written ("-5.0"), so the reason matches the file.
  if (n < 0) throw new RowProblem(`${column} ${text.trim()} is negative`);
  return checkAmount(n, column);
}

/** A required text field, trimmed (never into a formula: src/core/spreadsheet.ts); empty is a row problem. */
export function required(raw: Record<string, string>, column: string): string {
  const v = trimText(raw[column] ?? '');
  if (v === '') throw new RowProblem(`required field ${column} is empty`);
  return v;
}

/** '' → null, for optional text columns; trimmed as `required` trims. */
export const orNull = (text: string | undefined): string | null => {
  const t = trimText(text ?? '');
  return t === '' ? null : t;
};
