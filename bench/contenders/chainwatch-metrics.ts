import { runMetrics } from '../../src/core/metrics/metrics.ts';
import { DuckDBQueryEngine } from '../../src/adapters/duckdb-engine/duckdb-engine.ts';
import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';
import { contenderArgs, timed } from './result.ts';

/**
 * chainwatch's metrics step as the CLI runs it: DuckDB engine over the lake, every metric table to
 * metrics/. Forced, as when every input changed: each run recomputes every table (the same lake is
 * measured again and again), and still pays for fingerprinting its inputs.
 */
const { lake } = contenderArgs(['lake']);
await timed(async () => {
  const store = new FolderObjectStore(lake);
  const engine = await DuckDBQueryEngine.create({ lakeRoot: lake, store });
  try {
    const { tables } = await runMetrics({ engine, store, force: true });
    return { rows: Object.fromEntries(Object.entries(tables).map(([t, r]) => [t, r.rows])) };
  } finally {
    await engine.close();
  }
});
