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
import { redactingLog } from '../src/core/log.ts';

/** What the Lambda runtime does not provide in tests: the HTTP seam for live sources, and a clock. */
export type HandlerDeps = Pick<SourceRunContext, 'http' | 'now'>;

/** The function's log (CloudWatch): every line with the keys this process knows masked. */
const log = redactingLog();

const context = (deps: HandlerDeps): SourceRunContext => ({
  ...deps,
  store: lakeStoreFromEnv(),
  log,
  resolveParameter: ssmParameterResolver(),
});

/**
 * Ingest step in AWS, one invocation per source. The bundled data ship in the Lambda asset
 * (`data/bundled`, `data-schemas/reference` under the task root); a live source's API key is read
 * from the SSM parameter named in `<SOURCE>_API_KEY_PARAM`.
 */
export async function handleIngest(event: IngestEvent, deps: HandlerDeps = {}): Promise<IngestSummary> {
  return ingestOneSource(checkIngestEvent(event), context(deps));
}

export function handler(event: IngestEvent & { recover: true }): Promise<RecoverySummary>;
export function handler(event: IngestEvent): Promise<IngestSummary>;
export async function handler(event: IngestEvent): Promise<IngestSummary | RecoverySummary> {
  return event?.recover ? recoverOneSource(checkIngestEvent(event), context({})) : handleIngest(event);
}
