/**
 * The dependency screens on the real bundled data: the bundled lake with its metrics that every test file
 * shares (test/support/bundled-site.ts, read-only). Expected figures come from the bundled CSVs read independently (arquero) or from the
 * cross-checks in shared/data/extra/PROVENANCE.md, to the precision given there.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBQueryEngine } from '../../src/adapters/duckdb-engine/duckdb-engine.ts';
import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';
import type { SqlValue } from '../../src/core/seams/query-engine.ts';
import { bundledBuild } from '../support/bundled-site.ts';
import { BUNDLED_DIR, readCsvIndependently } from '../support/ingest-support.ts';
import { scaled } from '../support/slowdown.ts';

let engine: DuckDBQueryEngine;
const query = async (sql: string, params: SqlValue[] = []) => (await engine.query(sql, params)).rows;

beforeAll(async () => {
  const { lake } = await bundledBuild();
  engine = await DuckDBQueryEngine.create({ lakeRoot: lake, store: new FolderObjectStore(lake) });
}, scaled(120_000));
afterAll(async () => {
  await engine?.close();
});

describe('world supply of permanent magnets (850511) from BACI', () => {
  it('has a world-export HHI and China share for every year 2015–2024, one dataset for the series', async () => {
    const rows = await query(
      "SELECT year, hhi, china_share, source_id, top_iso3 FROM world_supply WHERE product_code = '850511' AND is_chosen ORDER BY year",
    );
    expect(rows.map((r) => r.year)).toEqual([2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022, 2023, 2024]);
    expect(new Set(rows.map((r) => r.source_id))).toEqual(new Set(['CEPII_BACI_V202601_TOPFLOWS']));
    for (const r of rows) {
      expect(r.hhi as number).toBeGreaterThan(0);
      expect(r.top_iso3).toBe('CHN');
    }
    // PROVENANCE §1: China 51.2 % (2018), 62.5 % (2022), 63.9 % (2024) of world exports
    const share = Object.fromEntries(rows.map((r) => [r.year, r.china_share as number]));
    expect(share[2018]).toBeCloseTo(0.512, 3);
    expect(share[2022]).toBeCloseTo(0.625, 3);
    expect(share[2024]).toBeCloseTo(0.639, 3);
  });

  it('keeps the full BACI 2024 table as a cross-check row, not chosen, with China’s share computed from that file', async () => {
    const full = await readCsvIndependently(join(BUNDLED_DIR, 'baci_hs17_v202601_850511_bilateral_2024_full.csv'));
    const total = full.reduce((s, r) => s + Number(r.value_usd), 0);
    const china = full.filter((r) => r.exporter === 'CHN').reduce((s, r) => s + Number(r.value_usd), 0);
    const [row] = await query(
      "SELECT * FROM world_supply WHERE product_code = '850511' AND year = 2024 AND coverage = 'complete'",
    );
    expect(row).toMatchObject({ is_chosen: false, source_id: 'CEPII_BACI_V202601_FULL_2024' });
    expect(row.china_share as number).toBeCloseTo(china / total, 12);
    expect(row.total_value as number).toBeCloseTo(total, 0);
  });
});

describe('mirror gap of permanent magnets, China → USA', () => {
  it('2022: US-reported imports 523.8 M, China-reported exports 571.5 M, gap +9.1 % (PROVENANCE §3); 2024 +9.9 %', async () => {
    const csv = await readCsvIndependently(join(BUNDLED_DIR, 'comtrade_raw_850511_usa_mirror_2022_2024.csv'));
    const declared = (flow: string, reporter: string, year: string) =>
      Number(
        csv.find(
          (r) =>
            r.flow === flow &&
            r.reporter_iso3 === reporter &&
            r.year === year &&
            (flow === 'X' || r.partner_iso3 === 'CHN'),
        )!.value_usd,
      );
    const rows = await query("SELECT * FROM mirror_gaps WHERE exporter_iso3 = 'CHN' AND hs6 = '850511' ORDER BY year");
    expect(rows).toHaveLength(2);
    const [y2022, y2024] = rows;
    expect(y2022).toMatchObject({
      importer_iso3: 'USA',
      year: 2022,
      import_reported_usd: declared('M', 'USA', '2022'),
      export_reported_usd: declared('X', 'CHN', '2022'),
      import_basis: 'customs',
      export_basis: 'FOB',
      source_id: 'COMTRADE_850511_USA_MIRROR',
    });
    expect(y2022.import_reported_usd).toBe(523_843_114);
    expect(y2022.gap_pct as number).toBeCloseTo(0.091, 3);
    expect(y2022.gap_usd as number).toBeCloseTo(declared('X', 'CHN', '2022') - 523_843_114, 3);
    expect(y2024.gap_pct as number).toBeCloseTo(0.099, 3);
  });
});

describe('the screens on the bundled data', () => {
  it('850511 is flagged by GeoDep in 2022–2024 (import HHI, world HHI and imports/exports all above), persistently', async () => {
    const rows = await query(
      "SELECT year, verdict FROM dependency_screen WHERE hs6 = '850511' AND framework_id = 'GEODEP' AND year BETWEEN 2022 AND 2024 ORDER BY year",
    );
    expect(rows.map((r) => r.verdict)).toEqual(['flagged', 'flagged', 'flagged']);
    const [p] = await query(
      "SELECT persistent FROM screen_persistence WHERE hs6 = '850511' AND framework_id = 'GEODEP' AND year = 2024",
    );
    expect(p.persistent).toBe(true);
  });

  it('EC 2021 never flags a US product on a guess: its demand criterion is not computable for one country, on every row', async () => {
    const [c2] = await query(
      "SELECT COUNT(*) AS n, SUM(CASE WHEN status = 'not_computable' AND value IS NULL THEN 1 ELSE 0 END) AS nc FROM screen_criteria WHERE framework_id = 'EC_2021' AND measure = 'extra_bloc_import_share'",
    );
    expect(Number(c2.n)).toBeGreaterThan(0);
    expect(Number(c2.nc)).toBe(Number(c2.n));
    const [flagged] = await query(
      "SELECT COUNT(*) AS n FROM dependency_screen WHERE framework_id = 'EC_2021' AND verdict = 'flagged'",
    );
    expect(Number(flagged.n)).toBe(0);
  });

  it('every criterion is met, not met, or not computable with a reason — never a value without a status or a status without its basis', async () => {
    const [bad] = await query(
      "SELECT COUNT(*) AS n FROM screen_criteria WHERE (value IS NULL) <> (status = 'not_computable') OR basis = ''",
    );
    expect(Number(bad.n)).toBe(0);
  });

  it('traces every figure to a citation: each source_id of the new tables is in the sources table', async () => {
    const ids = new Set((await query('SELECT source_id FROM sources')).map((r) => r.source_id as string));
    const used = new Set<string>();
    for (const sql of [
      'SELECT DISTINCT source_id AS s FROM world_supply',
      'SELECT DISTINCT source_id AS s FROM mirror_gaps',
      'SELECT DISTINCT source_id AS s FROM monthly_anomalies',
      'SELECT DISTINCT world_source_id AS s FROM supply_two_sided WHERE world_source_id IS NOT NULL',
      'SELECT DISTINCT source_ids AS s FROM screen_criteria',
      'SELECT DISTINCT source_id AS s FROM screen_frameworks',
    ]) {
      for (const r of await query(sql)) for (const id of String(r.s).split(',').filter(Boolean)) used.add(id);
    }
    expect(used.size).toBeGreaterThan(5);
    expect([...used].filter((id) => !ids.has(id))).toEqual([]);
  });

  it('the monthly series gets an anomaly row per month; z-scores start once 24 months precede', async () => {
    const [counts] = await query(
      "SELECT COUNT(*) AS n, MIN(CASE WHEN z_score IS NOT NULL THEN year * 100 + month END) AS first_z FROM monthly_anomalies WHERE partner_iso3 = 'CHN' AND hs6 = '854231'",
    );
    expect(Number(counts.n)).toBe(117);
    // the series starts 2016-11: 24 months later is 2018-11
    expect(counts.first_z).toBe(201811);
  });
});
