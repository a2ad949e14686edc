import { runLiveIngest } from '../../src/core/ingest/refresh.ts';
import { COMTRADE_BASE_URL } from '../../src/core/ingest/sources/comtrade.ts';
import { runMetrics } from '../../src/core/metrics/metrics.ts';
import { DuckDBQueryEngine } from '../../src/adapters/duckdb-engine/duckdb-engine.ts';
import { fetchHttpClient } from '../../src/core/http/http-client.ts';
import type { HttpContext } from '../../src/core/http/retry.ts';
import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';
import { contenderArgs, timed } from './result.ts';

/**
 * chainwatch's data steps: the Comtrade ingest of each span (`chainwatch ingest --source comtrade
 * --from … --to …`, against the local API of bench/harness/comtrade-api.ts) and, with `--metrics yes`,
 * the metrics step over the whole lake. The ingest benchmark runs the decade's months into an empty
 * lake; the refresh benchmark runs one new month into the decade's lake, and the full rebuild the
 * decade's months and years into a fresh one, both followed by metrics. The one-call-per-second
 * pacing is network etiquette, not work: its sleep is skipped.
 */
const { lake, api, spans, reporters, metrics } = contenderArgs(['lake', 'api', 'spans', 'reporters', 'metrics']);
const http: HttpContext = {
  http: (request, signal) => fetchHttpClient({ ...request, url: request.url.replace(COMTRADE_BASE_URL, api) }, signal),
  sleep: async () => {},
};
await timed(async () => {
  const store = new FolderObjectStore(lake);
  const started = performance.now();
  const rows = { rowsIn: 0, rowsDerived: 0, rowsOut: 0, rowsRejected: 0, rowsDuplicate: 0 };
  // `--spans 2015-01:2024-12,2015:2024`: the monthly and the annual dataset are separate runs, as on the CLI.
  for (const span of spans.split(',')) {
    const [from, to] = span.split(':');
    const manifest = await runLiveIngest({
      store,
      http,
      env: { COMTRADE_API_KEY: 'bench-local-api' },
      now: () => new Date(0),
      ingest: { source: 'comtrade', from, to, reporters },
    });
    const run = manifest.sources.comtrade;
    if (run?.status !== 'fresh')
      throw new Error(`comtrade ingest of ${span} did not succeed: ${run?.error?.message ?? 'no run'}`);
    for (const k of Object.keys(rows) as (keyof typeof rows)[]) rows[k] += run[k];
  }
  const ingestSeconds = (performance.now() - started) / 1000;
  if (metrics !== 'yes') return rows;
  const engine = await DuckDBQueryEngine.create({ lakeRoot: lake, store });
  try {
    await runMetrics({ engine, store });
  } finally {
    await engine.close();
  }
  return { ...rows, ingestSeconds, metricsSeconds: (performance.now() - started) / 1000 - ingestSeconds };
});
