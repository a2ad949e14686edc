/**
 * Bundled and live sources share a lake: production partitions (bundled USGS extract and the USGS
 * data release) and the sources table. Each run replaces only what its source owns.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  production,
  sources,
  tradeFlows,
  type ProductionRow,
  type SourceRow,
  type TradeFlow,
} from '../../data-schemas/curated.ts';
import { bundledBuild } from '../support/bundled-site.ts';
import { replayHttp } from '../support/replay-http.ts';
import { copyOfFixture } from '../support/shared-fixture.ts';
import { scaled } from '../support/slowdown.ts';
import { readTable } from '../../src/core/lake/read-table.ts';
import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';
import { runIngest } from '../../src/core/ingest/ingest.ts';
import { runRefresh } from '../../src/core/ingest/refresh.ts';
import { CENSUS_CITATION } from '../../src/core/ingest/sources/census.ts';
import { COMTRADE_CITATION } from '../../src/core/ingest/sources/comtrade.ts';
import { usgsCitation, type UsgsCsv } from '../../src/core/ingest/sources/usgs.ts';

/**
 * Every source_id a live connector writes matches this (a test checks each connector's citations);
 * all other ids belong to the bundled data. Each source lands its citations in its own `source=`
 * partition of the sources table, so keeping the id namespaces apart keeps one row per source_id.
 */
const LIVE_SOURCE_ID = /^(COMTRADE_API_V1|CENSUS_INTLTRADE_API|USGS_MCS\d{4}_DR_[A-Z]+)$/;
const isLiveSourceId = (id: unknown): boolean => typeof id === 'string' && LIVE_SOURCE_ID.test(id);

const REE_CSV: UsgsCsv = {
  chapter: 'rare-earths',
  edition: 2026,
  url: 'https://sciencebase.example/mcs2026-rare-earths-world.csv',
};
const csvBody = readFileSync(
  new URL('../fixtures/usgs/mcs2026_rare-earths_world.from-bundled.csv', import.meta.url),
  'utf8',
);

let dir: string;
let store: FolderObjectStore;
const read = async () => ({
  production: await readTable<ProductionRow>(store, production),
  sources: await readTable<SourceRow>(store, sources),
  trade: await readTable<TradeFlow>(store, tradeFlows),
});
let bundledOnly: Awaited<ReturnType<typeof read>>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chainwatch-mixed-'));
  // A lake after a bundled ingest: a copy of the shared bundled lake (test/support/bundled-site.ts).
  store = new FolderObjectStore(await copyOfFixture((await bundledBuild()).lake, join(dir, 'lake')));
  bundledOnly = await read();
}, scaled(150_000));
afterAll(() => rm(dir, { recursive: true, force: true }));

const refreshUsgs = (runId: string) =>
  runRefresh({
    store,
    runId,
    period: '2026-03',
    sources: ['usgs'],
    env: {},
    usgs: { csvs: [REE_CSV] },
    http: {
      http: replayHttp([{ path: '/mcs2026-rare-earths-world.csv', replies: [{ body: csvBody }] }]),
      sleep: async () => {},
    },
  });

describe('bundled and live sources in one lake', () => {
  it('a live refresh adds its rows and citations beside the bundled ones and removes none of them', async () => {
    await refreshUsgs('usgs-1');
    const after = await read();
    const live = after.production.filter((r) => r.source_id === 'USGS_MCS2026_DR_REE');
    expect(live.length).toBeGreaterThan(0);
    expect(after.production.filter((r) => r.source_id !== 'USGS_MCS2026_DR_REE')).toHaveLength(
      bundledOnly.production.length,
    );
    expect(after.sources.map((s) => s.source_id).sort()).toEqual(
      [...bundledOnly.sources.map((s) => s.source_id), 'USGS_MCS2026_DR_REE'].sort(),
    );
    expect(after.trade).toHaveLength(bundledOnly.trade.length);
  });

  it('a bundled ingest afterwards keeps the live rows and citations', async () => {
    const before = await read();
    const manifest = await runIngest({ store, runId: 'bundled-2', now: new Date('2026-04-01T00:00:00Z') });
    const after = await read();
    expect(after.production.length).toBe(before.production.length);
    expect(after.sources.length).toBe(before.sources.length);
    // Same bundled inputs: no partition file changed.
    expect(manifest.sources.bundled.partitions.written).toEqual([]);
  });

  it('keeps the id namespaces apart: every live citation is a live id, no bundled one is', () => {
    for (const c of [
      COMTRADE_CITATION,
      CENSUS_CITATION,
      usgsCitation(REE_CSV),
      usgsCitation({ ...REE_CSV, chapter: 'cobalt', edition: 2024 }),
    ]) {
      expect(isLiveSourceId(c.source_id), c.source_id).toBe(true);
    }
    expect(bundledOnly.sources.filter((s) => isLiveSourceId(s.source_id))).toEqual([]);
  });
});
