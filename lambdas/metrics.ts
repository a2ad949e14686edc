import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { AthenaQueryEngine } from '../src/adapters/athena-engine/athena-engine.ts';
import { ENV, requireEnv } from '../src/core/env.ts';
import { refuseOverPendingIngest } from '../src/core/lake/pending-ingest.ts';
import { lakeStoreFromEnv } from '../src/adapters/s3-store/from-env.ts';
import { runMetrics } from '../src/core/metrics/metrics.ts';
import { RUN_METRIC } from '../src/core/operator-metrics.ts';
import { emitMetric, observed } from './operator.ts';

/**
 * Metrics step in AWS: rebuild every metric table with Athena over the Glue tables. The SQL files
 * ship beside the bundle (`sql/metrics/` under the task root), the same files DuckDB runs locally.
 * It refuses to run over an ingest that committed but did not finish, as the local CLI does: the state
 * machine's recover step normally finishes one, but a failed recovery or a manual invoke must not
 * compute metrics from half-replaced partitions. Reports the bytes Athena scanned.
 */
export async function handler(event: { runId?: string } = {}): Promise<{ tables: Record<string, { rows: number }> }> {
  return observed('metrics', { runId: event?.runId ?? 'manual' }, async ({ log }) => {
    const store = lakeStoreFromEnv();
    await refuseOverPendingIngest(
      store,
      (source) =>
        `Start the refresh again, or invoke the ingest Lambda of ${source} with {"source": "${source}", "recover": true}`,
    );
    const engine = new AthenaQueryEngine({
      workgroup: requireEnv(ENV.athenaWorkgroup),
      database: requireEnv(ENV.glueDatabase),
      lakeBucket: store.bucket,
      lakePrefix: store.prefix,
      store,
    });
    try {
      return await runMetrics({ engine, store, onProgress: log });
    } finally {
      emitMetric(RUN_METRIC.bytesScanned, {}, engine.bytesScanned, MetricUnit.Bytes);
      await engine.close();
    }
  });
}
