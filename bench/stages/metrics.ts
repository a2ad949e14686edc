import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { metricTables } from '../../data-schemas/metrics.ts';
import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';
import { tableKeys } from '../../src/core/lake/metric-versions.ts';
import { crossCheck, type TableCheck } from '../cross-check.ts';
import { BenchSetupError, wholeProcess } from '../harness/measure.ts';
import { runStage, type StageResult } from '../harness/stage.ts';
import { cliContender, nodeContender, pythonContender, type SizedContext } from './context.ts';

const PYTHON_SETUP = 'pip install pandas polars pyarrow duckdb';
/** The tables the pandas and polars baselines reproduce (bench/baselines/common.py TABLES). */
const TRADE_METRICS = ['supplier_shares', 'concentration', 'dependency', 'trade_trend'];

/** Read every file under a folder once (the page cache then holds it, as it would for every later run). */
async function readAll(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) await readFile(join(entry.parentPath, entry.name));
  }
}

function requirePython(): void {
  try {
    execFileSync('python3', ['-c', 'import pandas, polars, pyarrow'], { stdio: 'pipe' });
  } catch (cause) {
    const detail =
      (cause as { stderr?: Buffer }).stderr?.toString().trim().split('\n').at(-1) ?? (cause as Error).message;
    throw new BenchSetupError(`The Python baselines cannot run: ${detail}`, `Install them: ${PYTHON_SETUP}`);
  }
}

export interface MetricsStageResult extends StageResult {
  checks: TableCheck[];
}

/**
 * Metrics: chainwatch's metrics step against the same SQL files on bare DuckDB (the practical
 * limit) and against pandas and polars implementations of the same metrics; then the four outputs
 * of the last run are cross-checked.
 */
export async function metricsStage(ctx: SizedContext): Promise<MetricsStageResult> {
  requirePython();
  const lake = ctx.data.lake;
  const out = (name: string) => join(ctx.work, 'out', `metrics-${ctx.data.rows}`, name);
  const clean = (name: string) => async () => rm(out(name), { recursive: true, force: true });
  const result = await runStage({
    stage: 'metrics',
    size: ctx.data.rows,
    runs: ctx.runs,
    log: ctx.log,
    warmUp: () => readAll(join(lake, 'curated')),
    contenders: [
      {
        name: 'chainwatch',
        label: 'chainwatch metrics step (runMetrics on DuckDBQueryEngine)',
        command: nodeContender('chainwatch-metrics.ts', '--lake', lake),
      },
      {
        name: 'cli',
        label: 'chainwatch metrics --force: the CLI process a user runs, start-up included',
        command: cliContender('metrics', '--force', '--lake', lake),
        resultOf: wholeProcess,
      },
      {
        name: 'duckdb',
        label: 'the same SQL files on bare DuckDB (COPY … TO parquet)',
        command: nodeContender('duckdb-metrics.ts', '--lake', lake, '--out', out('duckdb')),
        before: clean('duckdb'),
      },
      {
        name: 'pandas',
        label: 'pandas baseline (bench/baselines/metrics_pandas.py)',
        command: pythonContender('metrics_pandas.py', '--lake', lake, '--out', out('pandas')),
        before: clean('pandas'),
      },
      {
        name: 'polars',
        label: 'polars baseline (bench/baselines/metrics_polars.py)',
        command: pythonContender('metrics_polars.py', '--lake', lake, '--out', out('polars')),
        before: clean('polars'),
      },
    ],
    comparisons: [
      {
        id: 'metrics.vs_duckdb',
        label: 'metrics: chainwatch time / bare DuckDB time',
        unit: '×',
        value: (r) => r.chainwatch.seconds / r.duckdb.seconds,
        target: { op: '<=', value: 1.15 },
      },
      {
        id: 'metrics.cli_cpu_vs_duckdb',
        label: 'metrics: CPU of the chainwatch metrics --force process / CPU of the bare DuckDB process',
        unit: '×',
        value: (r) => r.cli.cpuSeconds / r.duckdb.cpuSeconds,
        target: { op: '<=', value: 1.25 },
      },
      {
        id: 'metrics.vs_pandas',
        label: 'metrics: speed-up over pandas (pandas time / chainwatch time)',
        unit: '×',
        value: (r) => r.pandas.seconds / r.chainwatch.seconds,
        target: { op: '>=', value: 5 },
      },
      {
        id: 'metrics.vs_polars',
        label: 'metrics: speed-up over polars (polars time / chainwatch time)',
        unit: '×',
        value: (r) => r.polars.seconds / r.chainwatch.seconds,
        target: { op: '>=', value: 1 },
      },
    ],
  });
  const tables = metricTables;
  // A contender whose last run failed (killed at the memory cap, say) left no tables to compare.
  const ok = (name: string) => result.contenders.some((c) => c.name === name && !c.runs.at(-1)?.error);
  if (!ok('chainwatch')) return { ...result, checks: [] };
  // chainwatch's tables as readers see them: the one file of each table's current version.
  const store = new FolderObjectStore(lake);
  const current = new Map<string, string>();
  for (const t of tables) current.set(t.name, join(lake, (await tableKeys(store, t))[0]));
  const chainwatch = { contender: 'chainwatch', file: (t: string) => current.get(t)! };
  const other = (name: string) => ({ contender: name, file: (t: string) => join(out(name), `${t}.parquet`) });
  const checks = [
    ...(await crossCheck(tables, chainwatch, ['duckdb'].filter(ok).map(other))),
    ...(await crossCheck(
      tables.filter((t) => TRADE_METRICS.includes(t.name)),
      chainwatch,
      ['pandas', 'polars'].filter(ok).map(other),
    )),
  ];
  return { ...result, checks };
}
