import { newRunId } from '../core/lake/run-id.ts';
import { ingestStep } from './ingest-step.ts';
import { metricsStep } from './metrics-step.ts';
import { reportStep } from './report-step.ts';
import type { PipelineOptions } from './step-options.ts';

/** The local orchestration edge: the steps Step Functions runs in AWS, in order, one progress line per step. */
export async function runLocalPipeline(o: PipelineOptions): Promise<void> {
  const options = { ...o, runId: o.runId ?? newRunId() };
  await ingestStep(options);
  await metricsStep(options);
  await reportStep(options);
}
