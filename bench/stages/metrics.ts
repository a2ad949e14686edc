import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { metricTables } from '../../data-schemas/metrics.ts';
import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';
import { tableKeys } from '../../src/core/lake/metric-versions.ts';
import { crossCheck, type TableCheck } from '../cross-check.ts';
import { metricSqlFiles } from '../../src/core/sql/metric-sql.ts';
import type { TableTimes } from '../contenders/result.ts';
import { BenchSetupError, type Measurement, wholeProcess } from '../harness/measure.ts';
import { runStage, type StageResult } from '../harness/stage.ts';
import { cliContender, nodeContender, pythonContender, type SizedContext } from './context.ts';

const PYTHON_SETUP = 'pip install pandas polars pyarrow duckdb';
/** The tables the pandas and polars baselines reproduce (bench/baselines/common.py TABLES). */
const TRADE_METRICS = ['supplier_shares', 'concentration', 'dependency', 'trade_trend'];

/**
 * What a metric-SQL contender computes to produce `tables`: they and every metric table they read
 * (supplier_shares reads trade_cell_sources, whose choice of source the baselines make inside).
 */
function withMetricInputs(tables: readonly string[]): string[] {
  const files = new Map(metricSqlFiles().map((f) => [f.table, f]));
  const needed = new Set<string>();
  const add = (table: string): void => {
    const file = files.get(table);
    if (!file || needed.has(table)) return;
    needed.add(table);
    file.inputs.forEach(add);
  };
  tables.forEach(add);
  return [...needed];
}
const BASELINE_WORK = withMetricInputs(TRADE_METRICS);

/**
 * A SQL contender's seconds for the baselines' work: opening the lake and the tables in BASELINE_WORK,
 * out of the run in which it computed every metric table. The baselines compute four of the eighteen
 * (the screens, mirror gaps and monthly anomalies came later); their time against a whole run would
 * compare unequal work.
 */
function baselineWorkSeconds(m: Measurement): number {
  const { openSeconds, tableSeconds } = m.result as unknown as TableTimes;
  const missing = BASELINE_WORK.filter((t) => tableSeconds?.[t] === undefined);
  if (missing.length) throw new Error(`the contender reported no time for ${missing.join(', ')}`);
  return openSeconds + BASELINE_WORK.reduce((sum, t) => sum + tableSeconds[t], 0);
}

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
        label: `metrics, the ${TRADE_METRICS.length} trade tables the baselines compute: speed-up over pandas (pandas time / chainwatch's time for ${BASELINE_WORK.join(', ')}, lake opening included)`,
        unit: '×',
        value: (r) => r.pandas.seconds / baselineWorkSeconds(r.chainwatch),
        target: { op: '>=', value: 5 },
      },
      {
        id: 'metrics.vs_polars',
        label: `metrics, the ${TRADE_METRICS.length} trade tables: speed-up over polars (polars time / chainwatch's time for the same tables)`,
        unit: '×',
        value: (r) => r.polars.seconds / baselineWorkSeconds(r.chainwatch),
        target: { op: '>=', value: 1 },
      },
      {
        id: 'metrics.duckdb_vs_pandas',
        label: `metrics, the ${TRADE_METRICS.length} trade tables: bare DuckDB's speed-up over pandas (the SQL's own limit against the baseline)`,
        unit: '×',
        value: (r) => r.pandas.seconds / baselineWorkSeconds(r.duckdb),
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
