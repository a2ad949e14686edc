import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { INGEST_HEAP_MB } from '../../infra/lambda-budgets.ts';
import { runStage, type StageResult } from '../harness/stage.ts';
import { loadUniverse } from '../synthetic/universe.ts';
import { compiledScript, ingestContender, nodeContender, type SizedContext } from './context.ts';

/** Run `work` while the local Comtrade API serves `raw`; the server is this harness's own child, stopped by closing its stdin. */
export async function withComtradeApi<T>(raw: string, work: (url: string) => Promise<T>): Promise<T> {
  const server = spawn('node', [compiledScript('harness/comtrade-api.ts'), '--raw', raw], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  try {
    const [line] = await Promise.race([
      (async () => {
        for await (const l of createInterface({ input: server.stdout })) return [l];
        return [''];
      })(),
      exited.then(() => ['']),
    ]);
    const port = (JSON.parse(line || '{}') as { port?: number }).port;
    if (!port) throw new Error('the local Comtrade API did not start');
    return await work(`http://127.0.0.1:${port}`);
  } finally {
    server.stdin.end();
    await exited;
  }
}

/** Contender time limit: a connector that cannot stream is stopped rather than left to eat the budget. */
export const INGEST_TIMEOUT_SECONDS = 600;

/**
 * Ingest: the decade's monthly Comtrade records through chainwatch's connector (normalize,
 * validate, quarantine, write Parquet partitions) against DuckDB's read_csv → COPY TO parquet of
 * the same records; throughput and peak RSS.
 */
export async function ingestStage(ctx: SizedContext): Promise<StageResult> {
  const { data } = ctx;
  const u = await loadUniverse(data.shape.seed);
  const reporters = u.reporters.map((r) => r.code).join(',');
  const months = data.shape.years * 12;
  const from = `${data.shape.firstYear}-01`;
  const to = `${data.shape.firstYear + data.shape.years - 1}-12`;
  const out = join(ctx.work, 'out', `ingest-${data.rows}`);
  const rows = data.rawMonthlyRows;
  return withComtradeApi(data.raw, (api) =>
    runStage({
      stage: 'ingest',
      size: data.rows,
      runs: ctx.runs,
      log: ctx.log,
      contenders: [
        {
          name: 'chainwatch',
          label: `chainwatch Comtrade ingest (${months} keyed API replies from a local server → raw/, quarantine/, curated/ partitions; the ingest Lambda's ${INGEST_HEAP_MB} MB heap limit)`,
          command: ingestContender(
            'chainwatch-pipeline.ts',
            '--lake',
            join(out, 'lake'),
            '--api',
            api,
            '--spans',
            `${from}:${to}`,
            '--reporters',
            reporters,
            '--metrics',
            'no',
          ),
          before: () => rm(join(out, 'lake'), { recursive: true, force: true }),
          timeoutSeconds: INGEST_TIMEOUT_SECONDS,
        },
        {
          name: 'duckdb',
          label: `DuckDB read_csv → COPY TO parquet of the same ${months} months (CSV)`,
          command: nodeContender(
            'duckdb-ingest.ts',
            '--csv',
            join(data.raw, 'csv'),
            '--out',
            join(out, 'duckdb.parquet'),
          ),
          before: () => rm(join(out, 'duckdb.parquet'), { force: true }),
          timeoutSeconds: INGEST_TIMEOUT_SECONDS,
        },
      ],
      comparisons: [
        {
          id: 'ingest.throughput',
          label: 'ingest throughput: chainwatch rows/s ÷ DuckDB rows/s',
          unit: '×',
          value: (r) => r.duckdb.seconds / r.chainwatch.seconds,
          target: { op: '>=', value: 0.5 },
        },
        // Also for a run killed at the memory cap: what it held by then is a lower bound worth showing.
        {
          id: 'ingest.rss',
          label: 'ingest peak RSS (chainwatch; a lower bound if it was killed)',
          unit: 'MB',
          value: (r) => r.chainwatch.peakRssMb,
          target: { op: '<=', value: 512 },
        },
        {
          id: 'ingest.rows_per_s',
          label: 'ingest rows/s (chainwatch)',
          unit: 'rows/s',
          value: (r) => rows / r.chainwatch.seconds,
        },
        {
          id: 'ingest.duckdb_rows_per_s',
          label: 'ingest rows/s (DuckDB COPY)',
          unit: 'rows/s',
          value: (r) => rows / r.duckdb.seconds,
        },
      ],
    }),
  );
}
