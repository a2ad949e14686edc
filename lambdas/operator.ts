import { LogFormatter, LogItem, Logger } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MetricUnit as Unit } from '@aws-lambda-powertools/metrics/types';
import type { SourceRun } from '../src/core/lake/manifest.ts';
import { redactLine } from '../src/core/log.ts';
import {
  DIMENSION,
  OPERATOR_NAMESPACE,
  type RunStep,
  SOURCE_METRIC,
  STEP_METRIC,
} from '../src/core/operator-metrics.ts';

/**
 * What the handlers tell an operator, set up once: JSON log lines (Powertools Logger) that carry the
 * run id and the step, and operator metrics in CloudWatch embedded metric format (Powertools Metrics),
 * named in src/core/operator-metrics.ts. Every string in every log line goes through the same masking
 * as the local log (src/core/log.ts), so an API key echoed in an error or a URL never reaches CloudWatch.
 */

/** Powertools' standard keys, then the step's own, with every string value masked (errors included). */
class RedactingFormatter extends LogFormatter {
  formatAttributes(attributes: UnformattedAttributes, additional: LogAttributes): LogItem {
    const base = {
      level: attributes.logLevel,
      message: attributes.message,
      timestamp: this.formatTimestamp(attributes.timestamp),
      service: attributes.serviceName,
      xray_trace_id: attributes.xRayTraceId,
      function_request_id: attributes.lambdaContext?.awsRequestId,
      cold_start: attributes.lambdaContext?.coldStart,
    };
    const item = new LogItem({ attributes: base }).addAttributes(additional);
    item.setAttributes(this.redact(item.getAttributes()) as LogAttributes);
    return item;
  }

  private redact(value: unknown): unknown {
    if (typeof value === 'string') return redactLine(value);
    // An Error's message and stack are not own enumerable keys: serialize it as Powertools does first.
    if (value instanceof Error) return this.redact(this.formatError(value));
    if (Array.isArray(value)) return value.map((v) => this.redact(v));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.redact(v)]));
    }
    return value;
  }
}

/** Module scope, as Powertools advises: a warm Lambda reuses them; the service name comes from POWERTOOLS_SERVICE_NAME. */
export const logger = new Logger({ logFormatter: new RedactingFormatter() });
const metrics = new Metrics({ namespace: OPERATOR_NAMESPACE });

/** One metric with its own dimensions (besides `service`), flushed at once as one EMF line. */
export function emitMetric(
  name: string,
  dimensions: Record<string, string>,
  value: number,
  unit: Unit = MetricUnit.Count,
): void {
  const single = metrics.singleMetric();
  single.addDimensions(dimensions);
  single.addMetric(name, unit, value);
}

/** What a step's work gets: a line logger for the core's progress callbacks. */
export interface StepLog {
  log: (line: string) => void;
}

/**
 * Run one step's work with the run id, step (and source) on every log line, a log line for a failure
 * (then rethrown), and the step's duration emitted when it ends, failed or not.
 */
export async function observed<T>(
  step: RunStep,
  keys: { runId: string; source?: string },
  work: (step: StepLog) => Promise<T>,
): Promise<T> {
  logger.appendKeys({ runId: keys.runId, step, ...(keys.source ? { source: keys.source } : {}) });
  const started = performance.now();
  try {
    return await work({ log: (line) => logger.info(line.trimEnd()) });
  } catch (error) {
    logger.error(`${step} failed`, error as Error);
    throw error;
  } finally {
    emitMetric(
      STEP_METRIC.durationMs,
      { [DIMENSION.step]: step },
      Math.round(performance.now() - started),
      MetricUnit.Milliseconds,
    );
    logger.resetKeys();
  }
}

const DAY_MS = 86_400_000;

/**
 * A source's run as operator metrics: rows delivered, landed and quarantined; for a live source also
 * whether it went stale and how old the data it serves are (only once it has delivered at all).
 */
export function emitSourceMetrics(
  source: string,
  run: Pick<SourceRun, 'rowsIn' | 'rowsOut' | 'rowsRejected' | 'status' | 'lastSuccess'>,
  live: boolean,
  now: Date,
): void {
  const dimensions = { [DIMENSION.source]: source };
  emitMetric(SOURCE_METRIC.rowsIn, dimensions, run.rowsIn);
  emitMetric(SOURCE_METRIC.rowsLanded, dimensions, run.rowsOut);
  emitMetric(SOURCE_METRIC.rowsQuarantined, dimensions, run.rowsRejected);
  if (!live) return;
  emitMetric(SOURCE_METRIC.stale, dimensions, run.status === 'stale' ? 1 : 0);
  if (run.lastSuccess) {
    emitMetric(
      SOURCE_METRIC.dataAgeDays,
      dimensions,
      Math.floor((now.getTime() - Date.parse(run.lastSuccess.at)) / DAY_MS),
    );
  }
}
