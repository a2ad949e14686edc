import { UsageError } from '../../src/errors.ts';
import { S3ObjectStore } from '../../src/store/s3-store.ts';
import { runIngest } from './ingest.ts';
import { manifestKey } from './manifest.ts';
import { BUNDLED_SOURCE } from './sources/bundled.ts';

export interface IngestEvent {
  source: string;
  /** The Step Functions execution passes one id to every step; a manual invoke may leave it out. */
  runId?: string;
}

export interface IngestSummary {
  runId: string;
  source: string;
  outcome: 'succeeded' | 'failed';
  rowsIn: number;
  rowsDerived: number;
  rowsOut: number;
  rowsRejected: number;
  rowsDuplicate: number;
  quarantineKey: string | null;
  manifestKey: string;
}

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new UsageError(`Environment variable ${name} is not set`, `Set ${name} on the ingest Lambda (the pipeline stack does).`);
  return value;
}

/**
 * Ingest step in AWS: the bundled data ships in the Lambda asset (`data/bundled`, `data-schemas/reference`
 * under the task root, which is the working directory) and lands in the S3 lake.
 */
export async function handler(event: IngestEvent): Promise<IngestSummary> {
  if (event?.source !== BUNDLED_SOURCE) {
    throw new UsageError(`Unknown ingest source "${event?.source}"`, `Invoke with {"source": "${BUNDLED_SOURCE}", "runId": "<optional run id>"}.`);
  }
  const store = new S3ObjectStore({ bucket: env('LAKE_BUCKET'), prefix: process.env.LAKE_PREFIX ?? '' });
  // Same shape as the CLI's run ids: an ISO timestamp made key-safe.
  const runId = event.runId ?? new Date().toISOString().replace(/[:.]/g, '-');
  const manifest = await runIngest({ store, runId, onProgress: (line) => console.log(line) });
  const run = manifest.sources[BUNDLED_SOURCE];
  return {
    runId,
    source: BUNDLED_SOURCE,
    outcome: manifest.outcome,
    rowsIn: run.rowsIn,
    rowsDerived: run.rowsDerived,
    rowsOut: run.rowsOut,
    rowsRejected: run.rowsRejected,
    rowsDuplicate: run.rowsDuplicate,
    quarantineKey: run.quarantineKey,
    manifestKey: manifestKey(runId),
  };
}
