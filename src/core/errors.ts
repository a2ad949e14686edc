/**
 * Typed errors. Each one carries a `hint`: what the user should do next. The CLI prints
 * `message` and `hint` on one line each and exits non-zero; it never shows a bare stack trace.
 */
export class ChainwatchError extends Error {
  readonly hint: string;
  constructor(message: string, hint: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.hint = hint;
  }
}

/** Input that cannot be read at all (missing file, wrong header, unparseable body). */
export class InputError extends ChainwatchError {}

/** The object store refused or failed an operation. */
export class StoreError extends ChainwatchError {}

/** A query failed in the engine (syntax, missing table, engine-side failure). */
export class QueryError extends ChainwatchError {}

/** A remote source failed after retries. */
export class SourceError extends ChainwatchError {}

/** Bad command-line usage or configuration. */
export class UsageError extends ChainwatchError {}

/** A deployed stack did not do what a post-deploy check expects (`chainwatch smoke`). */
export class DeploymentError extends ChainwatchError {}

/** Another run holds the lake's one-writer lock (or lease) and did not finish within the wait. */
export class LakeBusyError extends ChainwatchError {}
