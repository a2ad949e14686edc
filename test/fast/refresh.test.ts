import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tradeFlows, type TradeFlow } from '../../data-schemas/curated.ts';
import { replayHttp, type Reply, type Route } from '../support/replay-http.ts';
import type { HttpContext } from '../../src/core/http/retry.ts';
import { readTable } from '../../src/core/lake/read-table.ts';
import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';
import { getJson, textOf, type ObjectStore } from '../../src/core/seams/object-store.ts';
import type { IngestManifest } from '../../src/core/lake/manifest.ts';
import { planRequests, runLiveIngest, runRefresh, type RefreshOptions } from '../../src/core/ingest/refresh.ts';
import { progressBar } from '../../src/core/ingest/progress-bar.ts';
import { readSourceFreshness, type SourceState } from '../../src/core/lake/source-state.ts';
import type { UsgsCsv } from '../../src/core/ingest/sources/usgs.ts';

const fixture = (path: string): string => readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8');
const EMPTY_ENVELOPE = JSON.stringify({ elapsedTime: '0.1 secs', count: 0, data: [], error: '' });
const REE_CSV: UsgsCsv = {
  chapter: 'rare-earths',
  edition: 2026,
  url: 'https://sciencebase.example/mcs2026-rare-earths-world.csv',
};

/**
 * The live world for these tests, all from committed fixtures: Comtrade's keyless preview has US
 * imports of HS 280530 for 2021 and nothing else; Census has HS 854231 imports for the month window
 * of the period asked (other codes: HTTP 204); USGS serves the rare-earths world CSV.
 */
function world(o: { comtrade?: Reply[] } = {}): Route[] {
  return [
    {
      path: '/public/v1/preview/C/A/HS',
      query: { period: '2021', cmdCode: '280530' },
      replies: o.comtrade ?? [{ body: fixture('comtrade/get-A-2021-r842-M-280530.from-bundled.json') }],
    },
    { path: '/public/v1/preview/C/A/HS', replies: o.comtrade ?? [{ body: EMPTY_ENVELOPE }] },
    {
      path: '/imports/hs',
      query: { I_COMMODITY: '854231', time: 'from 2024-07 to 2025-06' },
      replies: [{ body: fixture('census/imports-854231-2024-07_2025-06.synthetic.json') }],
    },
    {
      path: '/imports/hs',
      query: { I_COMMODITY: '854231', time: 'from 2024-08 to 2025-07' },
      replies: [{ body: fixture('census/imports-854231-2024-08_2025-07.synthetic.json') }],
    },
    { path: '/imports/hs', replies: [{ status: 204 }] },
    { path: '/exports/hs', replies: [{ status: 204 }] },
    {
      path: '/mcs2026-rare-earths-world.csv',
      replies: [{ body: fixture('usgs/mcs2026_rare-earths_world.from-bundled.csv') }],
    },
  ];
}

const http = (routes: Route[]): HttpContext => ({
  http: replayHttp(routes),
  sleep: async () => {},
  random: () => 0,
  policy: { retries: 2 },
});

let dir: string;
let store: ObjectStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chainwatch-refresh-'));
  store = new FolderObjectStore(dir);
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const refresh = (period: string, routes: Route[], runId: string, extra: Partial<RefreshOptions> = {}) =>
  runRefresh({
    store,
    period,
    runId,
    http: http(routes),
    env: {},
    usgs: { csvs: [REE_CSV] },
    window: { comtradeYears: 4 },
    overrides: { hs: ['280530', '854231'], flows: ['M'] },
    now: () => new Date('2025-08-05T06:00:00Z'),
    ...extra,
  });

/** Every object under a prefix → sha256 of its bytes. */
async function snapshot(prefix: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const key of await store.list(prefix))
    out.set(
      key,
      createHash('sha256')
        .update((await store.get(key))!)
        .digest('hex'),
    );
  return out;
}
const changedKeys = (before: Map<string, string>, after: Map<string, string>) =>
  [...new Set([...before.keys(), ...after.keys()])].filter((k) => before.get(k) !== after.get(k)).sort();

describe('refresh', () => {
  it('run twice gives a byte-identical curated lake; the second run re-lands and rewrites nothing', async () => {
    const first = await refresh('2025-06', world(), 'r1');
    expect(first.staleSources).toEqual([]);
    const curated = await snapshot('curated/');
    const raw = await snapshot('raw/');
    expect([...curated.keys()].some((k) => k.includes('source=comtrade/year=2021/month=0'))).toBe(true);
    expect([...curated.keys()].some((k) => k.includes('source=census/year=2025/month=6'))).toBe(true);
    expect([...curated.keys()].some((k) => k.includes('production/source=usgs/sector=rare_earths'))).toBe(true);

    const second = await refresh('2025-06', world(), 'r2');
    expect(await snapshot('curated/')).toEqual(curated);
    expect(await snapshot('raw/')).toEqual(raw);
    for (const s of Object.values(second.sources)) {
      expect(s.requests!.unchanged).toBe(s.requests!.responses);
      expect(s.partitions.written).toEqual([]);
    }
  });

  it('without its state, a refresh re-merges everything and still writes identical bytes', async () => {
    await refresh('2025-06', world(), 'r1');
    const curated = await snapshot('curated/');
    await store.delete(await store.list('_state/'));
    const again = await refresh('2025-06', world(), 'r2');
    expect(await snapshot('curated/')).toEqual(curated);
    expect(Object.values(again.sources).flatMap((s) => s.partitions.written)).toEqual([]);
  });

  it('a refresh of one new month rewrites only that month’s partition', async () => {
    await refresh('2025-06', world(), 'r1');
    const before = await snapshot('curated/');
    const manifest = await refresh('2025-07', world(), 'r2');
    const changed = changedKeys(before, await snapshot('curated/'));
    expect(changed).toEqual(['curated/trade_flows/source=census/year=2025/month=7/part-00000.parquet']);
    expect(manifest.sources.census.partitions.written).toEqual(changed);
    // 2024-07 left the window but keeps its rows: a window moving on is not a deletion.
    expect(before.has('curated/trade_flows/source=census/year=2024/month=7/part-00000.parquet')).toBe(true);
    expect(changed).not.toContain('curated/trade_flows/source=census/year=2024/month=7/part-00000.parquet');

    const july = (await readTable<TradeFlow>(store, tradeFlows)).filter(
      (r) => r.source === 'census' && r.year === 2025 && r.month === 7,
    );
    const [header, ...rows] = JSON.parse(fixture('census/imports-854231-2024-08_2025-07.synthetic.json')) as string[][];
    const china = rows.find((r) => r[header.indexOf('time')] === '2025-07' && r[0] === '5700')!;
    expect(july.find((r) => r.partner_iso3 === 'CHN')?.value_usd).toBe(Number(china[header.indexOf('GEN_VAL_MO')]));
  });

  it('when one source fails after retries, the others land, the manifest and state say stale, and its last good data stay', async () => {
    const good = await refresh('2025-06', world(), 'r1');
    const comtradeBefore = await snapshot('curated/trade_flows/source=comtrade/');
    const before = await snapshot('curated/');

    const manifest = await refresh('2025-07', world({ comtrade: [{ status: 503, body: 'upstream timeout' }] }), 'r2');
    expect(manifest.outcome).toBe('succeeded');
    expect(manifest.staleSources).toEqual(['comtrade']);
    expect(manifest.sources.comtrade).toMatchObject({
      status: 'stale',
      lastSuccess: { runId: 'r1' },
      error: { name: 'HttpError', message: expect.stringMatching(/HTTP 503/) },
    });
    expect(manifest.sources.census.status).toBe('fresh');
    expect(manifest.sources.census.partitions.written).toEqual([
      'curated/trade_flows/source=census/year=2025/month=7/part-00000.parquet',
    ]);
    expect(await snapshot('curated/trade_flows/source=comtrade/')).toEqual(comtradeBefore);
    expect(changedKeys(before, await snapshot('curated/'))).toEqual(manifest.sources.census.partitions.written);

    const stored = await getJson<IngestManifest>(store, '_runs/r2.json');
    expect(stored?.staleSources).toEqual(['comtrade']);
    const freshness = new Map((await readSourceFreshness(store)).map((s) => [s.source, s]));
    expect(freshness.get('comtrade')).toMatchObject({
      status: 'stale',
      lastSuccess: { runId: 'r1', period: '2025-06' },
      lastFailure: { runId: 'r2', period: '2025-07' },
    });
    expect(freshness.get('census')).toMatchObject({ status: 'fresh', lastSuccess: { runId: 'r2' } });
    expect(good.sources.comtrade.status).toBe('fresh');

    // The next good run clears the flag.
    const recovered = await refresh('2025-07', world(), 'r3');
    expect(recovered.staleSources).toEqual([]);
    expect((await getJson<SourceState>(store, '_state/comtrade.json'))?.status).toBe('fresh');
  });

  it('a source that fails on its first run lands nothing and has no last good run', async () => {
    const manifest = await refresh('2025-06', world({ comtrade: [{ error: new TypeError('fetch failed') }] }), 'r1');
    expect(manifest.sources.comtrade).toMatchObject({
      status: 'stale',
      lastSuccess: null,
      error: { message: expect.stringMatching(/network error \(fetch failed\)/) },
    });
    expect(await store.list('curated/trade_flows/source=comtrade/')).toEqual([]);
    expect(await store.list('raw/comtrade/')).toEqual([]);
  });

  it('a failure that is not a source being down fails the run and still records a manifest', async () => {
    const routes = world().filter((r) => r.path !== '/mcs2026-rare-earths-world.csv');
    await expect(refresh('2025-06', routes, 'r1')).rejects.toThrow(/no route/);
    expect(await getJson<IngestManifest>(store, '_runs/r1.json')).toMatchObject({
      outcome: 'failed',
      error: { message: expect.stringMatching(/no route/) },
    });
  });

  it('quarantines rejects per source and run with their reasons, and lands raw responses by content hash', async () => {
    const manifest = await refresh('2025-06', world(), 'r1');
    const census = manifest.sources.census;
    expect(census.quarantineKey).toBe('quarantine/census/r1/rejects.jsonl');
    const rejects = textOf((await store.get(census.quarantineKey!))!)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rejects).toHaveLength(12);
    expect(new Set(rejects.map((r) => r.reason))).toEqual(new Set(['unknown Census country code 5830 (TAIWAN)']));
    expect(rejects[0].file).toMatch(/^raw\/census\/[0-9a-f]{16}\/census_M_854231_2024-07_2025-06\.json$/);
    expect(textOf((await store.get(rejects[0].file))!)).toBe(
      fixture('census/imports-854231-2024-07_2025-06.synthetic.json'),
    );
    expect(census.rowsIn + census.rowsDerived).toBe(census.rowsOut + census.rowsRejected + census.rowsDuplicate);
    // 2 census requests (854231 with data, 280530 empty) → 2 raw objects.
    expect(census.inputs.map((i) => i.rawKey.split('/')[3]).sort()).toEqual([
      'census_M_280530_2024-07_2025-06.json',
      'census_M_854231_2024-07_2025-06.json',
    ]);
  });

  it('cites every live source it lands in the sources table', async () => {
    await refresh('2025-06', world(), 'r1');
    const { sources } = await import('../../data-schemas/curated.ts');
    const ids = (await readTable<{ source_id: string }>(store, sources)).map((r) => r.source_id).sort();
    expect(ids).toEqual(['CENSUS_INTLTRADE_API', 'COMTRADE_API_V1', 'USGS_MCS2026_DR_REE']);
  });
});

describe('ad-hoc live ingest and --dry-run', () => {
  it('ingest --source census --from --to --hs lands the months of the range and the annual total of its December', async () => {
    const manifest = await runLiveIngest({
      store,
      runId: 'i1',
      http: http(world()),
      env: {},
      ingest: { source: 'census', from: '2024-07', to: '2025-06', hs: '854231' },
    });
    expect(manifest.kind).toBe('ingest');
    expect(manifest.sources.census.requests).toEqual({ planned: 2, responses: 2, unchanged: 0 });
    const written = manifest.sources.census.partitions.written
      .filter((k) => k.startsWith('curated/trade_flows/'))
      .map((k) => k.split('/').slice(3, 5).join('/'));
    expect(written).toHaveLength(13);
    expect(manifest.sources.census.partitions.written).toContain('curated/sources/source=census/part-00000.parquet');
    expect(written).toContain('year=2024/month=0');
  });

  it('plans requests without a network and masks keys', async () => {
    const env = { COMTRADE_API_KEY: 'comtrade-secret', CENSUS_API_KEY: 'census-secret' };
    const plan = await planRequests(
      { ingest: { source: 'comtrade', from: '2021', to: '2022', hs: '280530,284610', reporters: 'USA' } },
      { env },
    );
    expect(plan.requests.map((r) => r.label)).toEqual([
      'comtrade A 2021 reporter 842 flow M,X HS 2 codes',
      'comtrade A 2022 reporter 842 flow M,X HS 2 codes',
    ]);
    expect(plan.requests[0].headers['Ocp-Apim-Subscription-Key']).toBe('***');
    const refreshPlan = await planRequests({ period: '2025-06' }, { env });
    const basket =
      readFileSync(new URL('../../data-schemas/reference/basket.csv', import.meta.url), 'utf8')
        .trim()
        .split('\n').length - 1;
    const count = (s: string) => refreshPlan.requests.filter((r) => r.source === s).length;
    expect([count('comtrade'), count('census'), count('usgs')]).toEqual([2, basket * 2, 1]);
    expect(JSON.stringify(refreshPlan)).not.toMatch(/comtrade-secret|census-secret/);
    expect(refreshPlan.requests.find((r) => r.source === 'census')?.url).toMatch(/key=\*\*\*/);
  });

  it('rejects options a source cannot take, with a usage hint', async () => {
    await expect(planRequests({ ingest: { source: 'usgs', from: '2024' } }, { env: {} })).rejects.toThrow(
      /do not apply to --source usgs/,
    );
    await expect(planRequests({ ingest: { source: 'census', reporters: 'DEU' } }, { env: {} })).rejects.toThrow(
      /--reporters does not apply/,
    );
    await expect(planRequests({ ingest: { source: 'comtrade', hs: '999999' } }, { env: {} })).rejects.toThrow(
      /not in the basket/,
    );
    await expect(
      planRequests({ ingest: { source: 'comtrade', from: '2021', to: '2022-03' } }, { env: {} }),
    ).rejects.toThrow(/both years or both months/);
    await expect(planRequests({ period: '2025-13' }, { env: {} })).rejects.toThrow(/is not a month/);
    await expect(planRequests({ period: '2025-06', sources: ['ustr' as never] }, { env: {} })).rejects.toThrow(
      /Unknown live source "ustr"/,
    );
    await expect(
      planRequests({ period: '2025-06' }, { env: { COMTRADE_API_KEY_PARAM: '/chainwatch/comtrade' } }),
    ).rejects.toThrow(/COMTRADE_API_KEY_PARAM/);
  });
});

describe('progress bar', () => {
  it('draws one bar per request and the progress lines of the run', async () => {
    const out: string[] = [];
    await refresh('2025-06', world(), 'r1', { onProgress: progressBar((t) => out.push(t), { width: 4 }) });
    const census = out.filter((l) => l.startsWith('census '));
    expect(census).toEqual([
      'census   [....] 0/2 census imports HS 280530 2024-07..2025-06\n',
      'census   [##..] 1/2 census imports HS 854231 2024-07..2025-06\n',
      'census   [####] 2/2 done\n',
    ]);
    expect(out).toContainEqual(expect.stringMatching(/^curated\/trade_flows: \d+ rows in \d+ partitions\n$/));
    expect(out).toContainEqual(
      'comtrade: no COMTRADE_API_KEY, using the keyless preview (500 records per call, one product per call)\n',
    );
  });
});
