/**
 * The ingest writes a live source part by part (one request group, e.g. one Comtrade period, at a
 * time) and switches all parts in with one commit: what is staged while the next reply is fetched,
 * what a failure in a later group leaves, and the rule that parts never share a partition.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tradeFlows } from '../../data-schemas/curated.ts';
import { runIngest } from '../../src/core/ingest/ingest.ts';
import { runLiveIngest } from '../../src/core/ingest/refresh.ts';
import type { IngestSource, SourcePart } from '../../src/core/ingest/source.ts';
import { replayHttp, type Route } from '../support/replay-http.ts';
import type { HttpContext } from '../../src/core/http/retry.ts';
import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';
import type { ObjectStore } from '../../src/core/seams/object-store.ts';

const REPLY_2021 = readFileSync(
  new URL('../fixtures/comtrade/get-A-2021-r842-M-280530.from-bundled.json', import.meta.url),
  'utf8',
);
/** The same recorded reply as if for another year: a second period with rows of its own. */
const replyFor = (year: number) =>
  REPLY_2021.replaceAll('"refYear":2021', `"refYear":${year}`)
    .replaceAll('"period":"2021"', `"period":"${year}"`)
    .replaceAll('"refPeriodId":20210101', `"refPeriodId":${year}0101`);
const route = (year: number, replies: Route['replies']): Route => ({
  path: '/public/v1/preview/C/A/HS',
  query: { period: String(year), cmdCode: '280530' },
  replies,
});

let dir: string;
let store: ObjectStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chainwatch-streaming-'));
  store = new FolderObjectStore(dir);
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const ingest = (runId: string, routes: Route[], onRequest: (url: string) => Promise<void> = async () => {}) => {
  const replay = replayHttp(routes);
  const http: HttpContext = {
    http: async (request, signal) => {
      await onRequest(request.url);
      return replay(request, signal);
    },
    sleep: async () => {},
    random: () => 0,
    policy: { retries: 1 },
  };
  return runLiveIngest({
    store,
    runId,
    http,
    env: {},
    ingest: { source: 'comtrade', from: '2019', to: '2021', hs: '280530', reporters: 'USA' },
  });
};
const curated = async () => (await store.list('curated/')).sort();
const staged = async (runId: string) =>
  (await store.list(`_staging/ingest/comtrade/${runId}/objects/`)).map((k) => k.split('/objects/')[1]).sort();

describe('streaming ingest', () => {
  it('stages each period’s partition before it fetches the next period, and switches all in at the end', async () => {
    const seen: { period: string; staged: string[]; curated: string[] }[] = [];
    const manifest = await ingest(
      's1',
      [
        route(2019, [{ body: replyFor(2019) }]),
        route(2020, [{ body: replyFor(2020) }]),
        route(2021, [{ body: REPLY_2021 }]),
      ],
      async (url) => {
        seen.push({
          period: new URL(url).searchParams.get('period')!,
          staged: await staged('s1'),
          curated: await curated(),
        });
      },
    );
    const partition = (year: number) => `curated/trade_flows/source=comtrade/year=${year}/month=0/part-00000.parquet`;
    // Before the 2021 call, 2019 and 2020 are staged but nothing is in curated/ yet.
    expect(seen.find((s) => s.period === '2021')).toEqual({
      period: '2021',
      staged: ['curated/sources/source=comtrade/part-00000.parquet', partition(2019), partition(2020)],
      curated: [],
    });
    expect(manifest.sources.comtrade.status).toBe('fresh');
    expect(await curated()).toEqual([
      'curated/sources/source=comtrade/part-00000.parquet',
      partition(2019),
      partition(2020),
      partition(2021),
    ]);
    expect(await store.list('_staging/')).toEqual([]);
    const run = manifest.sources.comtrade;
    // Three periods × two flows (the preview takes one flow per call; this replay answers both with the import reply) × 11 records.
    expect(run.rowsIn).toBe(3 * 2 * 11);
    expect(run.rowsIn + run.rowsDerived).toBe(run.rowsOut + run.rowsRejected + run.rowsDuplicate);
  });

  it('a later period that fails discards what earlier periods staged: curated data stay the last good ones', async () => {
    const good = [
      route(2019, [{ body: replyFor(2019) }]),
      route(2020, [{ body: replyFor(2020) }]),
      route(2021, [{ body: REPLY_2021 }]),
    ];
    await ingest('good', good);
    const rawBefore = (await store.list('raw/comtrade/')).length;
    const before = await Promise.all(
      (await curated()).map(async (k) => [k, Buffer.from((await store.get(k))!).toString('hex')]),
    );

    const changed = replyFor(2019)
      .replace('"primaryValue":17421536.0', '"primaryValue":17421537.0')
      .replace('"cifvalue":17421536.0', '"cifvalue":17421537.0');
    const manifest = await ingest('failing', [
      route(2019, [{ body: changed }]),
      route(2020, [{ status: 500 }, { status: 500 }]),
      route(2021, [{ body: REPLY_2021 }]),
    ]);
    expect(manifest.sources.comtrade.status).toBe('stale');
    expect(manifest.sources.comtrade.error?.message).toMatch(/500/);
    expect(
      await Promise.all((await curated()).map(async (k) => [k, Buffer.from((await store.get(k))!).toString('hex')])),
    ).toEqual(before);
    expect(await store.list('_staging/')).toEqual([]);
    // The changed 2019 reply (asked once per flow) was still landed as fetched: raw/ keeps every body.
    expect((await store.list('raw/comtrade/')).length).toBe(rawBefore + 2);
  });

  it('refuses a source whose parts share a partition, and changes nothing', async () => {
    const table = tradeFlows;
    const part = (): SourcePart => ({
      inputs: [],
      derived: 0,
      tables: [
        {
          table,
          settled: { rows: [], rejects: [], duplicates: 0 },
          coverages: [{ table, partitions: [{ source: 'x', year: 2020, month: 0 }], owns: () => true }],
        },
      ],
    });
    const source: IngestSource = {
      id: 'x',
      async *collect() {
        yield part();
        yield part();
      },
    };
    await expect(runIngest({ store, runId: 'overlap', sources: [source] })).rejects.toThrow(
      /Two parts of the x run cover curated\/trade_flows\/source=x\/year=2020\/month=0\//,
    );
    expect(await curated()).toEqual([]);
  });
});
