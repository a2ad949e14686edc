import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { INGEST_HEAP_MB } from '../../infra/lambda-budgets.ts';
import { wholeProcess } from '../harness/measure.ts';
import { runStage, type StageResult, type StagePlan } from '../harness/stage.ts';
import { bundledMartData } from '../synthetic/bundled-mart.ts';
import { cliContender, type StageContext } from './context.ts';

/**
 * The bundled-data ingest of a large trade mart, as a user runs it (`chainwatch ingest --data <dir>`, the
 * compiled CLI) under the ingest Lambda's V8 heap limit: it must finish, and its peak RSS (the whole
 * process, start-up included) must stay within the function's memory.
 */
export async function bundledStage(ctx: StageContext, rows: number): Promise<StageResult> {
  const data = await bundledMartData(ctx.work, rows);
  const lake = join(ctx.work, 'out', `bundled-${rows}`, 'lake');
  const [node, ...cli] = cliContender('ingest', '--lake', lake, '--data', data);
  const plan: StagePlan = {
    stage: 'bundled',
    size: rows,
    runs: ctx.runs,
    log: ctx.log,
    contenders: [
      {
        name: 'chainwatch',
        label: `chainwatch ingest --data (a ${rows.toLocaleString('en-US')}-row trade mart; the ingest Lambda's ${INGEST_HEAP_MB} MB heap limit)`,
        command: [node, `--max-old-space-size=${INGEST_HEAP_MB}`, ...cli],
        before: () => rm(lake, { recursive: true, force: true }),
        resultOf: wholeProcess,
        timeoutSeconds: 900,
      },
    ],
    comparisons: [
      {
        id: 'bundled.rss',
        label: `bundled ingest of a ${rows.toLocaleString('en-US')}-row trade mart: peak RSS (under a ${INGEST_HEAP_MB} MB heap)`,
        unit: 'MB',
        value: (r) => (r.chainwatch.error ? Number.NaN : r.chainwatch.peakRssMb),
        target: { op: '<=', value: 512 },
      },
      {
        id: 'bundled.rows_per_s',
        label: 'bundled ingest rows/s (whole process)',
        unit: 'rows/s',
        value: (r) => rows / r.chainwatch.wallSeconds,
      },
    ],
  };
  return runStage(plan);
}
