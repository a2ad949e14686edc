import { DuckDBQueryEngine } from '../adapters/duckdb-engine/duckdb-engine.ts';
import { FolderObjectStore } from '../adapters/folder-store/folder-store.ts';
import { refuseOverPendingIngest } from '../core/lake/pending-ingest.ts';
import { runMetrics } from '../core/metrics/metrics.ts';
import { count, noop, requireFolderLake, seconds, type PipelineOptions } from './step-options.ts';

/** `force`: recompute every table, even those whose inputs are unchanged since they were written. */
export async function metricsStep(o: PipelineOptions, { force = false } = {}): Promise<void> {
  requireFolderLake(o.lake, 'metrics');
  const log = o.log ?? noop;
  const start = performance.now();
  const store = new FolderObjectStore(o.lake);
  await refuseOverPendingIngest(store, (source) => `Run "chainwatch ingest --source ${source}" again`);
  const engine = await DuckDBQueryEngine.create({ lakeRoot: o.lake, store });
  try {
    const result = await runMetrics({ engine, store, force, onProgress: (line) => log(`  ${line}`) });
    const tables = Object.values(result.tables);
    const rows = tables.reduce((n, t) => n + t.rows, 0);
    const kept = tables.filter((t) => t.kept).length;
    log(
      `metrics  ${tables.length} tables, ${count(rows)} rows${kept > 0 ? `, ${kept} kept (inputs unchanged)` : ''} (${seconds(start)})`,
    );
  } finally {
    await engine.close();
  }
}
