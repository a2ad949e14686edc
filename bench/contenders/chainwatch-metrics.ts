import { runMetrics } from '../../lambdas/metrics/metrics.ts';
import { DuckDBQueryEngine } from '../../src/engine/duckdb-engine.ts';
import { FolderObjectStore } from '../../src/store/folder-store.ts';
import { contenderArgs, timed } from './result.ts';

/** chainwatch's metrics step as the CLI runs it: DuckDB engine over the lake, every metric table to metrics/. */
const { lake } = contenderArgs(['lake']);
await timed(async () => {
  const engine = await DuckDBQueryEngine.create({ lakeRoot: lake, store: new FolderObjectStore(lake) });
  try {
    const { tables } = await runMetrics({ engine });
    return { rows: Object.fromEntries(Object.entries(tables).map(([t, r]) => [t, r.rows])) };
  } finally {
    await engine.close();
  }
});
