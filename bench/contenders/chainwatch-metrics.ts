import { runMetrics } from '../../src/core/metrics/metrics.ts';
import { DuckDBQueryEngine } from '../../src/adapters/duckdb-engine/duckdb-engine.ts';
import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';
import { contenderArgs, tableClock, timed } from './result.ts';

/**
 * chainwatch's metrics step as the CLI runs it: DuckDB engine over the lake, every metric table to
 * metrics/. Forced, as when every input changed: each run recomputes every table (the same lake is
 * measured again and again), and still pays for fingerprinting its inputs.
 */
const { lake } = contenderArgs(['lake']);
await timed(async () => {
  const clock = tableClock();
  const store = new FolderObjectStore(lake);
  const engine = await DuckDBQueryEngine.create({ lakeRoot: lake, store });
  clock.opened();
  try {
    // runMetrics reports each table as it is written, in order: a table's time runs from the one before.
    const { tables } = await runMetrics({
      engine,
      store,
      force: true,
      onProgress: (line) => clock.written(line.slice(0, line.indexOf(':'))),
    });
    return { rows: Object.fromEntries(Object.entries(tables).map(([t, r]) => [t, r.rows])), ...clock.result() };
  } finally {
    await engine.close();
  }
});
