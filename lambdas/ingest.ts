import { lakeStoreFromEnv } from '../src/adapters/s3-store/from-env.ts';
import { ssmParameterResolver } from '../src/adapters/ssm-parameters/ssm-parameters.ts';
import {
  checkIngestEvent,
  ingestOneSource,
  recoverOneSource,
  type IngestEvent,
  type IngestSummary,
  type RecoverySummary,
  type SourceRunContext,
} from '../src/core/ingest/source-run.ts';
import { newRunId } from '../src/core/lake/run-id.ts';
import { BUNDLED_SOURCE } from '../src/core/sources.ts';
import { emitSourceMetrics, observed } from './operator.ts';

/** What the Lambda runtime does not provide in tests: the HTTP seam for live sources, and a clock. */
export type HandlerDeps = Pick<SourceRunContext, 'http' | 'now'>;

const context = (deps: HandlerDeps, log: (line: string) => void): SourceRunContext => ({
  ...deps,
  store: lakeStoreFromEnv(),
  log,
  resolveParameter: ssmParameterResolver(),
});

/**
 * Ingest step in AWS, one invocation per source. The bundled data ship in the Lambda asset
 * (`data/bundled`, `data-schemas/reference` under the task root); a live source's API key is read
 * from the SSM parameter named in `<SOURCE>_API_KEY_PARAM`. Logs and operator metrics: lambdas/operator.ts.
 */
export async function handleIngest(event: IngestEvent, deps: HandlerDeps = {}): Promise<IngestSummary> {
  const checked = checkIngestEvent(event);
  const now = deps.now ?? (() => new Date());
  const runId = checked.runId ?? newRunId(now());
  return observed('ingest', { runId, source: checked.source }, async ({ log }) => {
    const summary = await ingestOneSource({ ...checked, runId }, context({ ...deps, now }, log));
    emitSourceMetrics(summary.source, summary, summary.source !== BUNDLED_SOURCE, now());
    return summary;
  });
}

export function handler(event: IngestEvent & { recover: true }): Promise<RecoverySummary>;
export function handler(event: IngestEvent): Promise<IngestSummary>;
export async function handler(event: IngestEvent): Promise<IngestSummary | RecoverySummary> {
  if (!event?.recover) return handleIngest(event);
  const checked = checkIngestEvent(event);
  return observed('ingest', { runId: checked.runId ?? 'manual', source: checked.source }, ({ log }) =>
    recoverOneSource(checked, context({}, log)),
  );
}
