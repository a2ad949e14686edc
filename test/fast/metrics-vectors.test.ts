/**
 * The metric SQL files against the test vectors of the metrics specification (§7), on tiny
 * fixture lakes, through the real DuckDB engine. Expected values are the vectors' own numbers.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CountryRow, PartnerGroupRow } from '../../data-schemas/curated.ts';
import type { SqlValue } from '../../src/core/seams/query-engine.ts';
import {
  computedLake,
  productionRows,
  referenceCountries,
  referencePartnerGroups,
  tradeRows,
  type FixtureLake,
} from '../support/metrics-fixtures.ts';

let ref: CountryRow[];
let groups: PartnerGroupRow[];

beforeAll(async () => {
  ref = await referenceCountries();
  groups = await referencePartnerGroups();
});

const num = (v: SqlValue | undefined): number => {
  if (typeof v !== 'number') throw new Error(`expected a number, got ${String(v)}`);
  return v;
};

async function oneRow(lake: FixtureLake, table: string, where: string): Promise<Record<string, SqlValue>> {
  const { rows } = await lake.engine.query(`SELECT * FROM ${table} WHERE ${where}`);
  expect(rows, `${table} WHERE ${where}`).toHaveLength(1);
  return rows[0];
}

describe('trade concentration (T1–T5, T14–T16)', () => {
  let lake: FixtureLake;
  // One cell per vector, told apart by HS code; Comtrade partner codes as the source gives them.
  const cells: Record<string, Record<string, number | null>> = {
    T1: { '156': 50, '392': 30, '410': 20 },
    T2: { '156': 10, '392': 9, '410': 12, '490': 15, '36': 12, '276': 11, '842': 15, '458': 16 },
    T3: { '156': 70, '392': 30 },
    T4a: { '156': 100 },
    T4b: { '156': 50, '392': 50 },
    T4c: { '156': 30, '392': 30, '410': 20, '490': 20 },
    T4d: {
      '156': 10,
      '392': 10,
      '410': 10,
      '490': 10,
      '36': 10,
      '276': 10,
      '842': 10,
      '458': 10,
      '251': 10,
      '704': 10,
    },
    // T5: the 10 % not held by the three firms is an unallocated residual ("Areas, nes")
    T5pre: { '156': 70, '392': 15, '410': 5, '899': 10 },
    T5post: { '156': 70, '392': 20, '899': 10 },
    T14: { '156': 72, '233': 7, '251': 5, '392': 5, '899': 11 },
    T15: { '156': 50, '490': 30, '410': 20 },
    T16: { '0': 100, '156': 60, '392': 40 },
  };

  beforeAll(async () => {
    lake = await computedLake({
      countries: ref,
      partnerGroups: groups,
      trade: Object.entries(cells).flatMap(([hs6, partners]) => tradeRows(ref, { year: 2023, hs6 }, partners)),
    });
  });
  afterAll(() => lake.close());

  const concentration = (hs6: string) => oneRow(lake, 'concentration', `hs6 = '${hs6}'`);

  test('T1 shares [0.5, 0.3, 0.2]: HHI 0.38 (3800), CR1 0.5, CR2 0.8, CR3 1.0, n_eff 2.6316, hhi_norm 0.07', async () => {
    const c = await concentration('T1');
    expect(num(c.hhi)).toBeCloseTo(0.38, 12);
    expect(num(c.hhi_points)).toBeCloseTo(3800, 8);
    expect(num(c.cr1)).toBeCloseTo(0.5, 12);
    expect(num(c.cr3)).toBeCloseTo(1.0, 12);
    expect(num(c.n_eff)).toBeCloseTo(2.6316, 4);
    expect(num(c.hhi_norm)).toBeCloseTo(0.07, 12);
    expect(c.n_suppliers).toBe(3);
    expect(c.top_supplier_iso3).toBe('CHN');
    const top2 = await lake.engine.query(
      "SELECT SUM(share) AS cr2 FROM supplier_shares WHERE hs6 = 'T1' AND rank <= 2",
    );
    expect(num(top2.rows[0].cr2)).toBeCloseTo(0.8, 12);
  });

  test('T2 eight suppliers: 1296 points, CR4 0.58', async () => {
    const c = await concentration('T2');
    expect(num(c.hhi_points)).toBeCloseTo(1296, 8);
    const top4 = await lake.engine.query(
      "SELECT SUM(share) AS cr4 FROM supplier_shares WHERE hs6 = 'T2' AND rank <= 4",
    );
    expect(num(top4.rows[0].cr4)).toBeCloseTo(0.58, 12);
  });

  test('ties are broken by value desc, then ISO3 (T2 has two 15 % and two 12 % suppliers)', async () => {
    const { rows } = await lake.engine.query(
      "SELECT partner_iso3, rank FROM supplier_shares WHERE hs6 = 'T2' ORDER BY rank",
    );
    expect(rows.map((r) => r.partner_iso3)).toEqual(['MYS', 'TWN', 'USA', 'AUS', 'KOR', 'DEU', 'CHN', 'JPN']);
  });

  test('T3 [70, 30]: 5800 points', async () => {
    expect(num((await concentration('T3')).hhi_points)).toBeCloseTo(5800, 8);
  });

  test('T4 [100]; [50,50]; [30,30,20,20]; 10×[10]: points, n_eff, hhi_norm NULL for one supplier', async () => {
    const expected: [string, number, number][] = [
      ['T4a', 10000, 1],
      ['T4b', 5000, 2],
      ['T4c', 2600, 3.846],
      ['T4d', 1000, 10],
    ];
    for (const [hs6, points, nEff] of expected) {
      const c = await concentration(hs6);
      expect(num(c.hhi_points), hs6).toBeCloseTo(points, 8);
      expect(num(c.n_eff), hs6).toBeCloseTo(nEff, 3);
    }
    expect((await concentration('T4a')).hhi_norm).toBeNull();
    expect(num((await concentration('T4b')).hhi_norm)).toBeCloseTo(0, 12);
  });

  test('T5 [70, 15, 5] + 10 % residual: lower-bound HHI 5150 before and 5300 after the merger, Δ150 = 2·15·5', async () => {
    // Shares over countries renormalize; the unrenormalized (residual-excluded) HHI is hhi·(1 − nes_share)².
    const lower = async (hs6: string) => {
      const c = await concentration(hs6);
      return 1e4 * num(c.hhi) * (1 - num(c.nes_share)) ** 2;
    };
    const pre = await lower('T5pre');
    const post = await lower('T5post');
    expect(pre).toBeCloseTo(5150, 8);
    expect(post).toBeCloseTo(5300, 8);
    expect(post - pre).toBeCloseTo(2 * 15 * 5, 8);
  });

  test('T14 CN 72, EE 7, FR 5, JP 5, other 11 (nes): nes_share 0.11 > 0.05, HHI bounds [0.5283, 0.5404]', async () => {
    const c = await concentration('T14');
    expect(num(c.nes_share)).toBeCloseTo(0.11, 12);
    expect(num(c.nes_share)).toBeGreaterThan(0.05);
    // CR1 is 0.72 of all imports; over supplier countries only it is 72/89
    expect(num(c.cr1) * (1 - num(c.nes_share))).toBeCloseTo(0.72, 12);
    expect(num(c.cr1)).toBeCloseTo(72 / 89, 12);
    const lower = num(c.hhi) * (1 - num(c.nes_share)) ** 2;
    expect(lower).toBeCloseTo(0.5283, 12);
    expect(lower + num(c.nes_share) ** 2).toBeCloseTo(0.5404, 12);
    expect(c.n_suppliers).toBe(4);
  });

  test('T15 partners {156: 50, 490: 30, 410: 20}: 490 is Taiwan, HHI 0.38, ally share 0.50', async () => {
    const c = await concentration('T15');
    expect(num(c.hhi)).toBeCloseTo(0.38, 12);
    const d = await oneRow(lake, 'dependency', "hs6 = 'T15'");
    expect(num(d.ally_share)).toBeCloseTo(0.5, 12);
    expect(num(d.china_share)).toBeCloseTo(0.5, 12);
    const twn = await oneRow(lake, 'supplier_shares', "hs6 = 'T15' AND partner_iso3 = 'TWN'");
    expect(twn.partner_name).toBe('Taiwan');
    expect(num(twn.share)).toBeCloseTo(0.3, 12);
  });

  test('T16 {0: 100, 156: 60, 392: 40}: the World row is excluded, CN share 0.60', async () => {
    const d = await oneRow(lake, 'dependency', "hs6 = 'T16'");
    expect(num(d.china_share)).toBeCloseTo(0.6, 12);
    expect(num(d.total_value_usd)).toBe(100);
    const c = await concentration('T16');
    expect(c.n_suppliers).toBe(2);
    expect(num(c.nes_share)).toBe(0); // World is not "nes": it restates the countries
    const world = await lake.engine.query("SELECT * FROM supplier_shares WHERE partner_iso3 = 'WLD'");
    expect(world.rows).toHaveLength(0);
  });
});

describe('dependency groups and the Hong Kong toggle', () => {
  let lake: FixtureLake;
  beforeAll(async () => {
    lake = await computedLake({
      countries: ref,
      partnerGroups: groups,
      trade: [
        // CHN 40, HKG 10, MAC 5, RUS 5, JPN 25, AUS 15
        ...tradeRows(
          ref,
          { year: 2023, hs6: '280530' },
          { '156': 40, '344': 10, '446': 5, '643': 5, '392': 25, '36': 15 },
        ),
        // the same partners in 1989, before every group's valid_from (1990 and 1999 in partner_groups.csv)
        ...tradeRows(
          ref,
          { year: 1989, hs6: '280530' },
          { '156': 40, '344': 10, '446': 5, '643': 5, '392': 25, '36': 15 },
        ),
      ],
    });
  });
  afterAll(() => lake.close());

  test('China alone vs China + HKG + MAC, allies, covered nations, other (same denominator as HHI)', async () => {
    const d = await oneRow(lake, 'dependency', 'year = 2023');
    expect(num(d.total_value_usd)).toBe(100);
    expect(num(d.china_share)).toBeCloseTo(0.4, 12);
    expect(num(d.china_hkg_share)).toBeCloseTo(0.55, 12);
    expect(num(d.ally_share)).toBeCloseTo(0.4, 12);
    expect(num(d.covered_share)).toBeCloseTo(0.45, 12);
    expect(num(d.covered_hkg_share)).toBeCloseTo(0.6, 12);
    expect(num(d.other_share)).toBeCloseTo(1 - 0.4 - 0.45, 12);
  });

  test('group membership honours valid_from: in 1989 no partner is in any group yet', async () => {
    const d = await oneRow(lake, 'dependency', 'year = 1989');
    expect(num(d.ally_share)).toBe(0);
    expect(num(d.covered_share)).toBe(0);
    expect(num(d.china_share)).toBeCloseTo(0.4, 12);
    expect(num(d.china_hkg_share)).toBe(0);
    expect(num(d.other_share)).toBeCloseTo(1, 12);
  });
});

describe('group membership that ended (valid_to)', () => {
  let lake: FixtureLake;
  beforeAll(async () => {
    const cell = { '156': 40, '392': 25, '36': 15, '76': 20 }; // CHN, JPN, AUS, BRA
    lake = await computedLake({
      countries: ref,
      // Australia an ally up to 2020 only
      partnerGroups: groups.map((g) =>
        g.group_id === 'ALLY_2021_SC' && g.iso3 === 'AUS' ? { ...g, valid_to: 2020 } : g,
      ),
      trade: [2020, 2021].flatMap((year) => tradeRows(ref, { year, hs6: '280530' }, cell)),
    });
  });
  afterAll(() => lake.close());

  test('counts a partner in its group up to valid_to and as other after it', async () => {
    const [y2020, y2021] = [
      await oneRow(lake, 'dependency', 'year = 2020'),
      await oneRow(lake, 'dependency', 'year = 2021'),
    ];
    expect(num(y2020.ally_share)).toBeCloseTo(0.4, 12);
    expect(num(y2020.other_share)).toBeCloseTo(0.2, 12);
    expect(num(y2021.ally_share)).toBeCloseTo(0.25, 12);
    expect(num(y2021.other_share)).toBeCloseTo(0.35, 12);
    expect(num(y2021.covered_share)).toBeCloseTo(0.4, 12);
  });
});

describe('trade cells: rows that never count, one source per cell', () => {
  let lake: FixtureLake;
  beforeAll(async () => {
    lake = await computedLake({
      countries: ref,
      partnerGroups: groups,
      trade: [
        // suppressed (NULL) and zero values are not suppliers; a monthly row is not an annual total
        ...tradeRows(ref, { year: 2023, hs6: '850760' }, { '156': 60, '392': 40, '410': null, '36': 0 }),
        ...tradeRows(ref, { year: 2023, hs6: '850760', month: 6 }, { '156': 999 }),
        // two sources cover the same cell: comtrade wins over bundled, and nes comes from comtrade too
        ...tradeRows(ref, { year: 2022, hs6: '854231', source: 'bundled' }, { '156': 10, '392': 90, '899': 50 }),
        ...tradeRows(ref, { year: 2022, hs6: '854231', source: 'comtrade' }, { '156': 30, '392': 70, '899': 25 }),
        // census alone covers the next year, so it is used there
        ...tradeRows(ref, { year: 2023, hs6: '854231', source: 'census' }, { '156': 20, '392': 80 }),
      ],
    });
  });
  afterAll(() => lake.close());

  test('NULL, zero and monthly values are left out', async () => {
    const c = await oneRow(lake, 'concentration', "hs6 = '850760'");
    expect(c.n_suppliers).toBe(2);
    expect(num(c.total_value_usd)).toBe(100);
    expect(num(c.hhi)).toBeCloseTo(0.6 ** 2 + 0.4 ** 2, 12);
  });

  test('the preferred source is used for the whole cell, including nes', async () => {
    const c2022 = await oneRow(lake, 'concentration', "hs6 = '854231' AND year = 2022");
    expect(num(c2022.total_value_usd)).toBe(100);
    expect(num(c2022.cr1)).toBeCloseTo(0.7, 12);
    expect(num(c2022.nes_share)).toBeCloseTo(25 / 125, 12);
    const c2023 = await oneRow(lake, 'concentration', "hs6 = '854231' AND year = 2023");
    expect(num(c2023.cr1)).toBeCloseTo(0.8, 12);
    const shares = await lake.engine.query(
      "SELECT COUNT(*) AS n FROM supplier_shares WHERE hs6 = '854231' AND year = 2022",
    );
    expect(shares.rows[0].n).toBe(2);
    const chosen = await lake.engine.query(
      "SELECT year, source FROM trade_cell_sources WHERE hs6 = '854231' ORDER BY year",
    );
    expect(chosen.rows).toEqual([
      { year: 2022, source: 'comtrade' },
      { year: 2023, source: 'census' },
    ]);
  });
});

describe('trade trend (T7, T8)', () => {
  let lake: FixtureLake;
  // T8: China share 2016–20 [0.72, 0.75, 0.78, 0.80, 0.80] with a total that grows 10 % a year
  const t8Shares: Record<number, number> = { 2016: 0.72, 2017: 0.75, 2018: 0.78, 2019: 0.8, 2020: 0.8 };
  const t8Total = (year: number) => 100 * 1.1 ** (year - 2016);
  beforeAll(async () => {
    lake = await computedLake({
      countries: ref,
      partnerGroups: groups,
      trade: [
        ...Object.entries(t8Shares).flatMap(([year, share]) =>
          tradeRows(
            ref,
            { year: Number(year), hs6: 'T8' },
            { '156': share * t8Total(Number(year)), '392': (1 - share) * t8Total(Number(year)) },
          ),
        ),
        // T7: 100 → 150 over 4 years, with no data in between
        ...tradeRows(ref, { year: 2018, hs6: 'T7' }, { '156': 60, '392': 40 }),
        ...tradeRows(ref, { year: 2022, hs6: 'T7' }, { '156': 90, '392': 60 }),
      ],
    });
  });
  afterAll(() => lake.close());

  test('T7 100 → 150 over 4 years: CAGR 10.668 %, no YoY across the gap', async () => {
    const { rows } = await lake.engine.query("SELECT * FROM trade_trend WHERE hs6 = 'T7' ORDER BY year");
    expect(rows.map((r) => r.year)).toEqual([2018, 2022]);
    expect(rows[0].cagr).toBeNull();
    expect(num(rows[1].cagr)).toBeCloseTo(0.10668, 5);
    expect(rows[1].first_year).toBe(2018);
    expect(rows[1].yoy).toBeNull();
    expect(rows[1].china_share_change_pp).toBeNull();
    expect(rows[1].china_share_slope).toBeNull(); // 2 years < 5
  });

  test('T8 China share slope 0.021/yr; change in pp and value YoY only where year − 1 exists', async () => {
    const { rows } = await lake.engine.query("SELECT * FROM trade_trend WHERE hs6 = 'T8' ORDER BY year");
    expect(rows).toHaveLength(5);
    for (const r of rows) expect(num(r.china_share_slope)).toBeCloseTo(0.021, 9);
    expect(
      rows.map((r) => (r.china_share_change_pp === null ? null : Number(num(r.china_share_change_pp).toFixed(9)))),
    ).toEqual([null, 3, 3, 2, 0]);
    expect(rows[0].yoy).toBeNull();
    for (const r of rows.slice(1)) expect(num(r.yoy)).toBeCloseTo(0.1, 12);
    expect(num(rows[4].cagr)).toBeCloseTo(0.1, 12);
  });
});

describe('production (T6, T8, T14, T17)', () => {
  let lake: FixtureLake;
  const t8 = { 2016: 72, 2017: 75, 2018: 78, 2019: 80, 2020: 80 };
  const { 2018: _dropped, ...t8Without2018 } = t8;
  beforeAll(async () => {
    lake = await computedLake({
      production: [
        // T6: a published capacity share, 37 % (1990) → 12 % (2020); a regional group in the same series
        ...productionRows(
          { measure: 'fab_capacity_share', unit: 'percent', stage: 'manufacturing', sector: 'semiconductors' },
          { USA: { 1990: 37, 2020: 12 }, EASIA: { 2020: 75 } },
        ),
        // T8 as a published share, once complete and once with 2018 missing
        ...productionRows({ measure: 't8_share', unit: 'percent' }, { CHN: t8 }),
        ...productionRows({ measure: 't8_share_gap', unit: 'percent' }, { CHN: t8Without2018 }),
        // T14 as a published import-source share with an "other" residual
        ...productionRows(
          { measure: 'import_source_share', unit: 'percent', stage: 'trade' },
          { CHN: { 2023: 72 }, EST: { 2023: 7 }, FRA: { 2023: 5 }, JPN: { 2023: 5 }, OTH: { 2023: 11 } },
        ),
        // T17 as tonnes: shares are computed over countries + OTH; World, projections and withheld values never count
        ...productionRows(
          { measure: 'mine_production', unit: 't' },
          {
            CHN: { 2024: 70 },
            AUS: { 2024: 10 },
            USA: { 2024: 6 },
            MMR: { 2024: 5 },
            OTH: { 2024: 9 },
            WLD: { 2024: 100 },
            THA: { 2024: null },
          },
        ),
        ...productionRows({ measure: 'mine_production', unit: 't', is_projection: true }, { CHN: { 2024: 500 } }),
        // whether the listed rows make up the world: a lone country, or countries that fall short of
        // the World row (Europe given as a region), get no share; a World row confirms a full listing
        // without OTH; an OTH residual confirms one without a World row
        ...productionRows({ measure: 'us_production', unit: 't' }, { USA: { 2023: 45000, 2024: 45000 } }),
        ...productionRows(
          { measure: 'battery_demand', unit: 'GWh', stage: 'demand' },
          { CHN: { 2023: 415 }, USA: { 2023: 100 }, EUR: { 2023: 185 }, WLD: { 2023: 750 } },
        ),
        ...productionRows(
          { measure: 'graphite', unit: 't' },
          { CHN: { 2024: 79 }, MOZ: { 2024: 15 }, BRA: { 2024: 6 }, WLD: { 2024: 101 } },
        ),
        ...productionRows({ measure: 'residual_only', unit: 't' }, { CHN: { 2024: 70 }, OTH: { 2024: 30 } }),
        // is_estimate: an estimated world total (USGS 'e') makes every 2024 share of the series an estimate
        ...productionRows(
          { measure: 'estimated_total', unit: 't' },
          { CHN: { 2023: 60, 2024: 65 }, AUS: { 2023: 40, 2024: 35 }, WLD: { 2023: 100, 2024: 100 } },
        ).map((r) => (r.geo_iso3 === 'WLD' && r.year === 2024 ? { ...r, qualifier: 'e' } : r)),
      ],
    });
  });
  afterAll(() => lake.close());

  test('T6 share 0.37 (1990) → 0.12 (2020): −25.0 pp, −67.57 %, CAGR −3.684 %/yr', async () => {
    const t = await oneRow(lake, 'production_trend', "measure = 'fab_capacity_share'");
    expect(t.geo_iso3).toBe('USA');
    expect(num(t.first_share)).toBeCloseTo(0.37, 12);
    expect(num(t.last_share)).toBeCloseTo(0.12, 12);
    expect(num(t.change_pp)).toBeCloseTo(-25.0, 9);
    expect(num(t.relative_change)).toBeCloseTo(-0.6757, 4);
    expect(num(t.cagr)).toBeCloseTo(-0.03684, 5);
    expect(t.slope).toBeNull();
    expect(t.n_years).toBe(2);
    expect([t.first_year, t.last_year]).toEqual([1990, 2020]);
  });

  test('published shares are value / 100 and regional groups are not countries', async () => {
    const { rows } = await lake.engine.query(
      "SELECT geo_iso3, share FROM production_shares WHERE measure = 'fab_capacity_share' ORDER BY year",
    );
    expect(rows).toEqual([
      { geo_iso3: 'USA', share: 0.37 },
      { geo_iso3: 'USA', share: 0.12 },
    ]);
  });

  test('T8 YoY [—, 4.1667 %, 4.0000 %, 2.5641 %, 0 %], roll3 [—, —, 0.75, 0.776667, 0.793333], slope 0.021', async () => {
    const { rows } = await lake.engine.query(
      "SELECT * FROM production_shares WHERE measure = 't8_share' ORDER BY year",
    );
    expect(rows.map((r) => (r.yoy === null ? null : Number(num(r.yoy).toFixed(6))))).toEqual([
      null,
      0.041667,
      0.04,
      0.025641,
      0,
    ]);
    expect(rows.map((r) => (r.share_roll3 === null ? null : Number(num(r.share_roll3).toFixed(6))))).toEqual([
      null,
      null,
      0.75,
      0.776667,
      0.793333,
    ]);
    const trend = await oneRow(lake, 'production_trend', "measure = 't8_share'");
    expect(num(trend.slope)).toBeCloseTo(0.021, 9);
    expect(trend.n_years).toBe(5);
  });

  test('T8 with 2018 dropped: YoY(2019), roll3(2019) and roll3(2020) are NULL, slope NULL (4 years)', async () => {
    const { rows } = await lake.engine.query(
      "SELECT year, yoy, share_roll3 FROM production_shares WHERE measure = 't8_share_gap' ORDER BY year",
    );
    expect(rows.map((r) => r.year)).toEqual([2016, 2017, 2019, 2020]);
    const y2019 = rows.find((r) => r.year === 2019)!;
    const y2020 = rows.find((r) => r.year === 2020)!;
    expect(y2019.yoy).toBeNull();
    expect(y2019.share_roll3).toBeNull();
    expect(y2020.share_roll3).toBeNull();
    expect(num(y2020.yoy)).toBe(0);
    expect((await oneRow(lake, 'production_trend', "measure = 't8_share_gap'")).slope).toBeNull();
  });

  test('T14 as a published share: CR1 0.72 and HHI 0.5283 (the OTH residual is not a country)', async () => {
    const c = await oneRow(lake, 'production_concentration', "measure = 'import_source_share'");
    expect(num(c.cr1)).toBeCloseTo(0.72, 12);
    expect(num(c.hhi)).toBeCloseTo(0.5283, 12);
    expect(num(c.cr3)).toBeCloseTo(0.84, 12);
    expect(c.n_countries).toBe(4);
    expect(c.top_geo_iso3).toBe('CHN');
  });

  test('T17 CN 0.70, 0.10, 0.06, 0.05 + OTH: CR3 0.86; World, projections and withheld values never count', async () => {
    const c = await oneRow(lake, 'production_concentration', "measure = 'mine_production'");
    expect(num(c.cr3)).toBeCloseTo(0.86, 12);
    expect(num(c.cr1)).toBeCloseTo(0.7, 12);
    expect(c.n_countries).toBe(4);
    expect(c.top_geo_iso3).toBe('CHN');
    const { rows } = await lake.engine.query(
      "SELECT geo_iso3 FROM production_shares WHERE measure = 'mine_production' ORDER BY geo_iso3",
    );
    expect(rows.map((r) => r.geo_iso3)).toEqual(['AUS', 'CHN', 'MMR', 'USA']);
  });

  test('a series-year with an estimated figure marks all its shares is_estimate; other years and series not', async () => {
    const { rows } = await lake.engine.query(
      "SELECT year, geo_iso3, is_estimate FROM production_shares WHERE measure = 'estimated_total' ORDER BY year, geo_iso3",
    );
    expect(rows).toEqual([
      { year: 2023, geo_iso3: 'AUS', is_estimate: false },
      { year: 2023, geo_iso3: 'CHN', is_estimate: false },
      { year: 2024, geo_iso3: 'AUS', is_estimate: true },
      { year: 2024, geo_iso3: 'CHN', is_estimate: true },
    ]);
    const { rows: others } = await lake.engine.query(
      "SELECT DISTINCT is_estimate FROM production_shares WHERE measure <> 'estimated_total'",
    );
    expect(others).toEqual([{ is_estimate: false }]);
  });

  test('shares of world only where the listed rows make up the world', async () => {
    const { rows } = await lake.engine.query(
      "SELECT measure, geo_iso3, share FROM production_shares WHERE measure IN ('us_production', 'battery_demand', 'graphite', 'residual_only') ORDER BY measure, geo_iso3",
    );
    expect(rows.map((r) => [r.measure, r.geo_iso3, Number(num(r.share).toFixed(12))])).toEqual([
      ['graphite', 'BRA', 0.06],
      ['graphite', 'CHN', 0.79],
      ['graphite', 'MOZ', 0.15],
      ['residual_only', 'CHN', 0.7],
    ]);
  });
});
