/**
 * Sources ingested in parallel (the Step Functions Parallel state runs one Lambda per source) must
 * not lose each other's rows. Every table more than one source writes has a leading `source`
 * partition, so two sources never read-merge-write the same object; and a figure two sources both
 * carry is counted once by the metric SQL.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { production, sources, type ProductionRow, type SourceRow } from '../../data-schemas/curated.ts';
import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';
import { bundledBuild } from '../support/bundled-site.ts';
import { replayHttp } from '../support/replay-http.ts';
import { readTable } from '../../src/core/lake/read-table.ts';
import { runIngest } from '../../src/core/ingest/ingest.ts';
import { runRefresh } from '../../src/core/ingest/refresh.ts';
import type { UsgsCsv } from '../../src/core/ingest/sources/usgs.ts';
import { computedLake, productionRows, type FixtureLake } from '../support/metrics-fixtures.ts';
import { TempDirs } from '../support/ingest-support.ts';
import { scaled } from '../support/slowdown.ts';

const temp = new TempDirs();
afterAll(() => temp.removeAll());

const REE_CSV: UsgsCsv = {
  chapter: 'rare-earths',
  edition: 2026,
  url: 'https://sciencebase.example/mcs2026-rare-earths-world.csv',
};
const csvBody = readFileSync(
  new URL('../fixtures/usgs/mcs2026_rare-earths_world.from-bundled.csv', import.meta.url),
  'utf8',
);
const usgsRefresh = (store: Awaited<ReturnType<TempDirs['lake']>>, runId: string) =>
  runRefresh({
    store,
    runId,
    period: '2026-03',
    sources: ['usgs'],
    env: {},
    usgs: { csvs: [REE_CSV] },
    now: () => new Date('2026-03-05T00:00:00Z'),
    http: {
      http: replayHttp([{ path: '/mcs2026-rare-earths-world.csv', replies: [{ body: csvBody }] }]),
      sleep: async () => {},
    },
  });

describe('parallel sources', () => {
  let bundledLake: string;
  beforeAll(async () => {
    ({ lake: bundledLake } = await bundledBuild());
  }, scaled(150_000));

  it('bundled and USGS ingested at the same time write disjoint objects and lose no row', async () => {
    // Each source alone, for the expected row sets: the bundled one is the shared bundled lake
    // (test/support/bundled-site.ts; curated rows carry no run id or time).
    const bundledOnly = new FolderObjectStore(bundledLake);
    const usgsOnly = await temp.lake('usgs-only');
    await usgsRefresh(usgsOnly, 'u');
    const expected = [
      ...(await readTable<ProductionRow>(bundledOnly, production)),
      ...(await readTable<ProductionRow>(usgsOnly, production)),
    ];
    const expectedCitations = [
      ...(await readTable<SourceRow>(bundledOnly, sources)),
      ...(await readTable<SourceRow>(usgsOnly, sources)),
    ];
    expect(expected.some((r) => r.source === 'usgs' && r.sector === 'rare_earths')).toBe(true);
    expect(expected.some((r) => r.source === 'bundled' && r.sector === 'rare_earths')).toBe(true);

    // Both at once, twice (the second pass rewrites nothing and must not drop anything either).
    const shared = await temp.lake('parallel');
    for (const pass of [1, 2]) {
      const [bundled, usgs] = await Promise.all([
        runIngest({ store: shared, runId: `b${pass}`, now: new Date('2026-03-05T00:00:00Z') }),
        usgsRefresh(shared, `u${pass}`),
      ]);
      const written = (m: typeof bundled) =>
        Object.values(m.sources).flatMap((s) => [...s.partitions.written, ...s.partitions.deleted]);
      const bundledKeys = new Set(written(bundled));
      expect(
        written(usgs).filter((k) => bundledKeys.has(k)),
        `pass ${pass}`,
      ).toEqual([]);
      const key = (r: Record<string, unknown>) => JSON.stringify(Object.entries(r).sort());
      expect((await readTable<ProductionRow>(shared, production)).map(key).sort(), `pass ${pass}`).toEqual(
        expected.map(key).sort(),
      );
      expect((await readTable<SourceRow>(shared, sources)).map(key).sort(), `pass ${pass}`).toEqual(
        expectedCitations.map(key).sort(),
      );
    }
    // Every object a source writes carries its own source partition.
    for (const k of await shared.list('curated/production/'))
      expect(k).toMatch(/^curated\/production\/source=(bundled|usgs)\/sector=/);
    for (const k of await shared.list('curated/sources/'))
      expect(k).toMatch(/^curated\/sources\/source=(bundled|usgs)\/part-00000\.parquet$/);
  });
});

describe('the same figure from two sources', () => {
  const lakes: FixtureLake[] = [];
  afterAll(() => Promise.all(lakes.map((l) => l.close())));
  const series = { measure: 'mine_production', unit: 't', source_id: 'USGS_MCS2026_TEST' };
  const values = {
    CHN: { 2023: 60, 2024: 66 },
    USA: { 2023: 25, 2024: 24 },
    OTH: { 2023: 15, 2024: 10 },
    WLD: { 2023: 100, 2024: 100 },
  };
  const shares = async (lake: FixtureLake) =>
    (await lake.engine.query('SELECT geo_iso3, year, value, share, yoy FROM production_shares ORDER BY geo_iso3, year'))
      .rows;

  it('is counted once by production_shares, whichever sources landed it', async () => {
    const once = await computedLake({ production: productionRows({ ...series, source: 'bundled' }, values) });
    const twice = await computedLake({
      production: [
        ...productionRows({ ...series, source: 'bundled' }, values),
        ...productionRows({ ...series, source: 'usgs' }, values),
      ],
    });
    lakes.push(once, twice);
    const expected = await shares(once);
    // Independently: CHN 2023 = 60 / (60 + 25 + 15), not 120 / 200 of a doubled listing and no second row.
    expect(expected.find((r) => r.geo_iso3 === 'CHN' && r.year === 2023)?.share).toBeCloseTo(0.6, 12);
    expect(expected).toHaveLength(4);
    expect(await shares(twice)).toEqual(expected);
    const concentration = 'SELECT year, cr1, hhi FROM production_concentration ORDER BY year';
    expect((await twice.engine.query(concentration)).rows).toEqual((await once.engine.query(concentration)).rows);
  });
});
