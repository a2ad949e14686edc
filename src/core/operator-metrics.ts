/**
 * The operator metrics of a chainwatch deployment, named once: the handlers emit them (CloudWatch
 * embedded metric format, through Powertools) and the pipeline stack alarms on them and draws them on
 * its dashboard. A CloudWatch metric is its namespace, name and exact set of dimensions, so both
 * sides build them from here. Powertools adds a `service` dimension to every metric; the stack sets
 * POWERTOOLS_SERVICE_NAME to `serviceName(stage)` so the stages of one account stay apart.
 */

export const OPERATOR_NAMESPACE = 'chainwatch';

/** The Powertools `service` dimension of a stage's metrics (POWERTOOLS_SERVICE_NAME). */
export const serviceName = (stage: string): string => `chainwatch-${stage}`;

/** Dimension names besides `service`. */
export const DIMENSION = { source: 'source', step: 'step' } as const;

/** Metrics per ingest source: dimensions { service, source }. */
export const SOURCE_METRIC = {
  /** Records the source delivered this run. */
  rowsIn: 'RowsIn',
  /** Rows written to the curated tables. */
  rowsLanded: 'RowsLanded',
  /** Rows rejected into quarantine/ with a reason. */
  rowsQuarantined: 'RowsQuarantined',
  /** 1 when the source failed this run and the site serves its last good data, else 0. */
  stale: 'SourceStale',
  /** Days since the source last delivered successfully (0 right after a success). */
  dataAgeDays: 'SourceDataAgeDays',
} as const;

/** Metrics per run step: dimensions { service, step }. */
export const STEP_METRIC = {
  durationMs: 'StepDurationMs',
} as const;

/** Metrics per deployment: dimensions { service }. */
export const RUN_METRIC = {
  /** Live sources stale after this run's ingest. */
  sourcesStale: 'SourcesStale',
  /** Bytes Athena scanned for the run's metric queries. */
  bytesScanned: 'AthenaBytesScanned',
  /** Days since the refresh last succeeded, emitted daily by the watchdog. */
  daysSinceLastRefresh: 'DaysSinceLastRefresh',
} as const;

/** The steps of a refresh run, as the `step` dimension names them. */
export const RUN_STEPS = ['ingest', 'metrics', 'report'] as const;
export type RunStep = (typeof RUN_STEPS)[number];
