import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { wholeProcess } from '../harness/measure.ts';
import { runStage, type StageResult } from '../harness/stage.ts';
import { cliContender, pythonContender, type SizedContext } from './context.ts';

const QUERY = 'select 1';

/**
 * Start-up: what a command costs before it does anything. `chainwatch --help` and `chainwatch query
 * "select 1"` on the generated lake, each a whole process (the compiled CLI, as a user runs it), against
 * `node -e 0` (the floor) and the DuckDB Python package running the same query over the views of
 * `chainwatch export-views` (an analyst's other way in).
 */
export async function startupStage(ctx: SizedContext): Promise<StageResult> {
  const lake = ctx.data.lake;
  const views = join(ctx.work, 'out', `views-${ctx.data.rows}.sql`);
  await mkdir(join(ctx.work, 'out'), { recursive: true });
  const exportViews = cliContender('export-views', '--lake', lake);
  await writeFile(views, execFileSync(exportViews[0], exportViews.slice(1)));
  const whole = { resultOf: wholeProcess };
  return runStage({
    stage: 'startup',
    size: ctx.data.rows,
    runs: ctx.runs,
    log: ctx.log,
    contenders: [
      { name: 'node', label: 'node -e 0', command: ['node', '-e', '0'], ...whole },
      { name: 'help', label: 'chainwatch --help', command: cliContender('--help'), ...whole },
      {
        name: 'query',
        label: `chainwatch query "${QUERY}" (DuckDB over the lake's views)`,
        command: cliContender('query', QUERY, '--lake', lake),
        ...whole,
      },
      {
        name: 'python',
        label: `python3 + duckdb: views.sql, then "${QUERY}" (bench/baselines/duckdb_query.py)`,
        command: pythonContender('duckdb_query.py', views, QUERY),
        ...whole,
      },
    ],
    comparisons: [
      {
        id: 'startup.help_s',
        label: 'chainwatch --help: wall time',
        unit: 's',
        value: (r) => r.help.wallSeconds,
        target: { op: '<=', value: 0.3 },
      },
      {
        id: 'startup.help_mb',
        label: 'chainwatch --help: peak RSS',
        unit: 'MB',
        value: (r) => r.help.peakRssMb,
        target: { op: '<=', value: 90 },
      },
      {
        id: 'startup.help_vs_node',
        label: 'chainwatch --help time / node -e 0 time',
        unit: '×',
        value: (r) => r.help.wallSeconds / r.node.wallSeconds,
      },
      { id: 'startup.node_s', label: 'node -e 0: wall time', unit: 's', value: (r) => r.node.wallSeconds },
      { id: 'startup.node_mb', label: 'node -e 0: peak RSS', unit: 'MB', value: (r) => r.node.peakRssMb },
      {
        id: 'startup.query_s',
        label: `chainwatch query "${QUERY}": wall time`,
        unit: 's',
        value: (r) => r.query.wallSeconds,
      },
      {
        id: 'startup.query_mb',
        label: `chainwatch query "${QUERY}": peak RSS`,
        unit: 'MB',
        value: (r) => r.query.peakRssMb,
      },
      {
        id: 'startup.python_s',
        label: `Python DuckDB "${QUERY}" over views.sql: wall time`,
        unit: 's',
        value: (r) => r.python.wallSeconds,
      },
      {
        id: 'startup.python_mb',
        label: `Python DuckDB "${QUERY}" over views.sql: peak RSS`,
        unit: 'MB',
        value: (r) => r.python.peakRssMb,
      },
      {
        id: 'startup.query_vs_python',
        label: 'chainwatch query time / Python DuckDB time (same query, same views)',
        unit: '×',
        value: (r) => r.query.wallSeconds / r.python.wallSeconds,
        target: { op: '<=', value: 1.2 },
      },
      {
        id: 'startup.query_vs_node',
        label: 'chainwatch query time / node -e 0 time',
        unit: '×',
        value: (r) => r.query.wallSeconds / r.node.wallSeconds,
      },
    ],
  });
}
