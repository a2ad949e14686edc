import { execFileSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { runIngest } from '../../src/core/ingest/ingest.ts';
import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';
import { runStage, type StageResult } from '../harness/stage.ts';
import { loadUniverse } from '../synthetic/universe.ts';
import { REPO, nodeContender, type SizedContext } from './context.ts';
import { INGEST_TIMEOUT_SECONDS, withComtradeApi } from './ingest.ts';

/**
 * Incremental refresh: one new month of Comtrade records into the decade's lake, then the metrics
 * step — against the full rebuild: the whole decade into a fresh lake, then the metrics step. Both
 * lakes start with the bundled source (reference tables the metric SQL joins).
 */
export async function refreshStage(ctx: SizedContext): Promise<StageResult> {
  const { data } = ctx;
  const reporters = (await loadUniverse(data.shape.seed)).reporters.map((r) => r.code).join(',');
  const out = join(ctx.work, 'out', `refresh-${data.rows}`);
  const last = data.shape.firstYear + data.shape.years - 1;
  // Monthly and annual datasets: the metric SQL reads the annual rows.
  const decade = `${data.shape.firstYear}-01:${last}-12,${data.shape.firstYear}:${last}`;
  const nextMonth = `${data.shape.firstYear + data.shape.years}-01`;
  const lakes = { base: join(out, 'base'), rebuild: join(out, 'rebuild'), refresh: join(out, 'refresh') };
  // `cp -a` keeps modification times to the nanosecond: the copy is the lake as the last run left it,
  // file stamps included (the metrics step keys what it already knows by them).
  const fresh = async (lake: string, from: string) => {
    await rm(lake, { recursive: true, force: true });
    execFileSync('cp', ['-a', from, lake]);
  };

  await rm(out, { recursive: true, force: true });
  await runIngest({
    store: new FolderObjectStore(lakes.base),
    runId: 'bench-bundled',
    now: new Date(0),
    dataDir: join(REPO, 'data', 'bundled'),
  });
  return withComtradeApi(data.raw, (decadeApi) =>
    withComtradeApi(data.next, async (nextApi) => {
      const pipeline = (lake: string, api: string, spans: string) =>
        nodeContender(
          'chainwatch-pipeline.ts',
          '--lake',
          lake,
          '--api',
          api,
          '--spans',
          spans,
          '--reporters',
          reporters,
          '--metrics',
          'yes',
        );
      return runStage({
        stage: 'refresh',
        size: data.rows,
        runs: ctx.runs,
        log: ctx.log,
        // The rebuild runs first, so every refresh finds a rebuilt decade's lake to copy (untimed):
        // the lake a monthly refresh meets.
        contenders: [
          {
            name: 'rebuild',
            label: `full rebuild: ingest the decade's ${data.shape.years * 13} monthly and annual replies (${data.rawRows.toLocaleString('en-US')} records) into a fresh lake + metrics`,
            command: pipeline(lakes.rebuild, decadeApi, decade),
            before: () => fresh(lakes.rebuild, lakes.base),
            timeoutSeconds: INGEST_TIMEOUT_SECONDS,
          },
          {
            name: 'refresh',
            label: `one-month refresh: ingest ${nextMonth} (${data.nextMonthRows.toLocaleString('en-US')} records) into the decade's lake + metrics`,
            command: pipeline(lakes.refresh, nextApi, `${nextMonth}:${nextMonth}`),
            before: () => fresh(lakes.refresh, lakes.rebuild),
            timeoutSeconds: INGEST_TIMEOUT_SECONDS,
          },
        ],
        comparisons: [
          {
            id: 'refresh.vs_rebuild',
            label: 'one-month refresh time as a share of a full rebuild',
            unit: '%',
            value: (r) => (100 * r.refresh.seconds) / r.rebuild.seconds,
            target: { op: '<=', value: 5 },
          },
        ],
      });
    }),
  );
}
