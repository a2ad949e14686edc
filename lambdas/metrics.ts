import { AthenaQueryEngine } from '../src/adapters/athena-engine/athena-engine.ts';
import { UsageError } from '../src/core/errors.ts';
import { refuseOverPendingIngest } from '../src/core/lake/pending-ingest.ts';
import { S3ObjectStore } from '../src/adapters/s3-store/s3-store.ts';
import { redactingLog } from '../src/core/log.ts';
import { runMetrics } from '../src/core/metrics/metrics.ts';

function env(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new UsageError(
      `Environment variable ${name} is not set`,
      `Set ${name} on the metrics Lambda (the pipeline stack does).`,
    );
  return value;
}

/**
 * Metrics step in AWS: rebuild every metric table with Athena over the Glue tables. The SQL files
 * ship beside the bundle (`sql/metrics/` under the task root), the same files DuckDB runs locally.
 * It refuses to run over an ingest that committed but did not finish, as the local CLI does: the state
 * machine's recover step normally finishes one, but a failed recovery or a manual invoke must not
 * compute metrics from half-replaced partitions.
 */
export async function handler(): Promise<{ tables: Record<string, { rows: number }> }> {
  const lakeBucket = env('LAKE_BUCKET');
  const lakePrefix = process.env.LAKE_PREFIX ?? '';
  const store = new S3ObjectStore({ bucket: lakeBucket, prefix: lakePrefix });
  await refuseOverPendingIngest(
    store,
    (source) =>
      `Start the refresh again, or invoke the ingest Lambda of ${source} with {"source": "${source}", "recover": true}`,
  );
  const engine = new AthenaQueryEngine({
    workgroup: env('ATHENA_WORKGROUP'),
    database: env('GLUE_DATABASE'),
    lakeBucket,
    lakePrefix,
    store,
  });
  try {
    return await runMetrics({ engine, store, onProgress: redactingLog() });
  } finally {
    await engine.close();
  }
}
