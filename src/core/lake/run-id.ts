import { UsageError } from '../errors.ts';

/**
 * Run ids name manifests, quarantine folders and staging areas, so they must be safe in an object key.
 * A new id is the start time as ISO 8601 made key-safe (`2026-02-01T00-00-00-000Z`), optionally after a
 * prefix (`refresh-2026-01-…`) and before a suffix (the Step Functions run's id plus `-<source>`).
 */
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export const newRunId = (now: Date = new Date(), prefix = ''): string =>
  prefix + now.toISOString().replace(/[:.]/g, '-');

export function checkRunId(runId: string): string {
  if (!RUN_ID.test(runId)) {
    throw new UsageError(
      `Run id "${runId}" cannot be used in an object key`,
      'Use letters, digits, ".", "_" and "-" only, e.g. 2026-02-01T00-00-00-000Z.',
    );
  }
  return runId;
}
