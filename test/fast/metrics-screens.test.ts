/**
 * The dependency-screen SQL (world_supply, supply_two_sided, screen_criteria, dependency_screen,
 * screen_persistence, screen_churn, mirror_gaps, monthly_anomalies) on small hand-made lakes through
 * the real DuckDB engine, with the frameworks as data-schemas/reference/screen_frameworks.csv
 * defines them. Each framework gets a product that meets each criterion, one that does not, and one
 * where the criterion cannot be computed. Expected values are the metrics specification's vectors
 * (T9–T13) or worked by hand in the comments.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CountryRow, ScreenFrameworkRow, TradeFlow, WorldTradeRow } from '../../data-schemas/curated.ts';
import type { SqlValue } from '../../src/core/seams/query-engine.ts';
import {
  computedLake,
  referenceCountries,
  referencePartnerGroups,
  referenceScreenFrameworks,
  tradeRows,
  worldRows,
  type FixtureLake,
} from '../support/metrics-fixtures.ts';

let ref: CountryRow[];
let frameworks: ScreenFrameworkRow[];
beforeAll(async () => {
  ref = await referenceCountries();
  frameworks = await referenceScreenFrameworks();
});

const num = (v: SqlValue | undefined): number => {
  if (typeof v !== 'number') throw new Error(`expected a number, got ${String(v)}`);
  return v;
};

async function lakeOf(trade: TradeFlow[], worldTrade: WorldTradeRow[]): Promise<FixtureLake> {
  return computedLake({
    countries: ref,
    partnerGroups: await referencePartnerGroups(),
    screenFrameworks: frameworks,
    trade: trade.length > 0 ? trade : undefined,
    worldTrade: worldTrade.length > 0 ? worldTrade : undefined,
  });
}

async function criterion(lake: FixtureLake, hs6: string, framework: string, measure: string, year = 2023) {
  const { rows } = await lake.engine.query(
    'SELECT value, status, basis, threshold FROM screen_criteria WHERE hs6 = ? AND framework_id = ? AND measure = ? AND year = ?',
    [hs6, framework, measure, year],
  );
  expect(rows, `${hs6} ${framework} ${measure}`).toHaveLength(1);
  return rows[0];
}

async function verdict(lake: FixtureLake, hs6: string, framework: string, year = 2023) {
  const { rows } = await lake.engine.query(
    'SELECT * FROM dependency_screen WHERE hs6 = ? AND framework_id = ? AND year = ?',
    [hs6, framework, year],
  );
  expect(rows, `${hs6} ${framework} ${year}`).toHaveLength(1);
  return rows[0];
}

test('the frameworks table holds the published thresholds, strict comparisons, and a citation for every criterion', () => {
  const t = (framework: string, measure: string) =>
    frameworks.find((f) => f.framework_id === framework && f.measure === measure)!;
  expect([
    t('EC_2021', 'us_import_hhi').threshold,
    t('EC_2021', 'extra_bloc_import_share').threshold,
    t('EC_2021', 'import_export_ratio').threshold,
  ]).toEqual([0.4, 0.5, 1]);
  expect([
    t('GEODEP', 'us_import_hhi').threshold,
    t('GEODEP', 'world_export_hhi').threshold,
    t('GEODEP', 'import_export_ratio').threshold,
  ]).toEqual([0.4, 0.4, 1]);
  expect(t('CRMA_65', 'top_supplier_share').threshold).toBe(0.65);
  expect([t('MGI_2023', 'us_import_hhi').threshold, t('MGI_2023', 'world_export_hhi').threshold]).toEqual([0.3, 0.3]);
  expect(t('MGI_2023', 'world_export_hhi').role).toBe('classifier');
  expect(t('OECD_HALF', 'supplier_ratio')).toMatchObject({ comparison: '<', threshold: 0.5 });
  for (const f of frameworks) expect(f.where_read, `${f.framework_id} ${f.criterion_id}`).toMatch(/https?:\/\//);
  // dependency_screen lists up to four criteria per framework in its reason
  for (const id of new Set(frameworks.map((f) => f.framework_id)))
    expect(frameworks.filter((f) => f.framework_id === id).length).toBeLessThanOrEqual(4);
});

describe('EC 2021 and GeoDep criteria (T9–T13)', () => {
  let lake: FixtureLake;
  // US imports by supplier (Comtrade partner codes). A single importer has no intra-bloc imports, so
  // the T9 supplier "US" is Germany here: CN 700, JP/KR/DE 100 each → HHI 0.52.
  const imports: Record<string, Record<string, number>> = {
    T09000: { '156': 700, '392': 100, '410': 100, '276': 100 },
    T10000: { '156': 700, '392': 100, '410': 100, '276': 100 },
    T11000: { '156': 300, '392': 300, '410': 200, '276': 200 },
    T12000: { '156': 600, '392': 100, '410': 100, '276': 100, '251': 100 },
    T13000: { '156': 700, '392': 100, '410': 100, '276': 100 },
    NOWRLD: { '156': 700, '392': 100, '410': 100, '276': 100 },
    // a product whose world figures exist only for its HS4 heading Q777
    Q77701: { '156': 600, '392': 200 },
    Q77702: { '156': 150, '392': 50 },
  };
  // World exports to World by exporter (complete listings): CN 80 % → world HHI 0.66 (CN 80, DE 10, JP 10);
  // T10 diversified: CN 40, DE 30, JP 30 → 0.34. USA values are the US exports of c3.
  const world: WorldTradeRow[] = [
    ...worldRows({ year: 2023, hs_code: 'T09000' }, { CHN: 8000, DEU: 1000, JPN: 750, USA: 250 }),
    ...worldRows({ year: 2023, hs_code: 'T10000' }, { CHN: 4000, DEU: 3000, JPN: 1800, USA: 1200 }),
    ...worldRows({ year: 2023, hs_code: 'T11000' }, { CHN: 8000, DEU: 1000, JPN: 750, USA: 250 }),
    ...worldRows({ year: 2023, hs_code: 'T12000' }, { CHN: 8000, DEU: 1000, JPN: 750, USA: 250 }),
    // T13: the USA exports nothing in a complete listing → 9999
    ...worldRows({ year: 2023, hs_code: 'T13000' }, { CHN: 8000, DEU: 1000, JPN: 1000 }),
    ...worldRows({ year: 2023, hs_code: 'Q777' }, { CHN: 500, DEU: 400, USA: 100 }),
  ];

  beforeAll(async () => {
    lake = await lakeOf(
      Object.entries(imports).flatMap(([hs6, partners]) => tradeRows(ref, { year: 2023, hs6 }, partners)),
      world,
    );
  });
  afterAll(() => lake.close());

  test('T9: import HHI 0.52, imports/exports 4.0 → both met; EC c2 (extra-bloc share) not computable for one country', async () => {
    const hhi = await criterion(lake, 'T09000', 'EC_2021', 'us_import_hhi');
    expect(num(hhi.value)).toBeCloseTo(0.52, 12);
    expect(hhi.status).toBe('met');
    const ratio = await criterion(lake, 'T09000', 'EC_2021', 'import_export_ratio');
    expect(num(ratio.value)).toBeCloseTo(4.0, 12);
    expect(ratio.status).toBe('met');
    const c2 = await criterion(lake, 'T09000', 'EC_2021', 'extra_bloc_import_share');
    expect(c2.value).toBeNull();
    expect(c2.status).toBe('not_computable');
    expect(c2.basis).toMatch(/no intra-bloc imports/);
    // EC: nothing fails, c2 cannot be computed → not computable, never flagged on a guess
    expect(await verdict(lake, 'T09000', 'EC_2021')).toMatchObject({
      verdict: 'not_computable',
      n_met: 2,
      n_not_met: 0,
      n_not_computable: 1,
    });
    // GeoDep: import HHI 0.52 > 0.4, world HHI 0.66 > 0.4 (CN 0.8), ratio 4 > 1 → flagged
    const worldHhi = await criterion(lake, 'T09000', 'GEODEP', 'world_export_hhi');
    expect(num(worldHhi.value)).toBeCloseTo(0.8 ** 2 + 0.1 ** 2 + 0.075 ** 2 + 0.025 ** 2, 12);
    expect(await verdict(lake, 'T09000', 'GEODEP')).toMatchObject({ verdict: 'flagged', n_met: 3 });
  });

  test('T10: exports 1200 → ratio 0.8333 not met → EC and GeoDep not flagged', async () => {
    const ratio = await criterion(lake, 'T10000', 'GEODEP', 'import_export_ratio');
    expect(num(ratio.value)).toBeCloseTo(1000 / 1200, 12);
    expect(ratio.status).toBe('not_met');
    expect((await verdict(lake, 'T10000', 'EC_2021')).verdict).toBe('not_flagged');
    expect(await verdict(lake, 'T10000', 'GEODEP')).toMatchObject({
      verdict: 'not_flagged',
      reason: expect.stringContaining('c3_import_export_ratio not met'),
    });
    // world exports 40/30/18/12 % → HHI 0.3168: the world criterion fails as well
    expect((await criterion(lake, 'T10000', 'GEODEP', 'world_export_hhi')).status).toBe('not_met');
  });

  test('T11: suppliers 300/300/200/200 → HHI 0.26, not met (other criteria met) → not flagged', async () => {
    const hhi = await criterion(lake, 'T11000', 'GEODEP', 'us_import_hhi');
    expect(num(hhi.value)).toBeCloseTo(0.26, 12);
    expect(hhi.status).toBe('not_met');
    expect(await verdict(lake, 'T11000', 'GEODEP')).toMatchObject({ verdict: 'not_flagged', n_met: 2, n_not_met: 1 });
  });

  test('T12: suppliers 600/100/100/100/100 → HHI exactly 0.40 is not above 0.4 (strict, rounded to 12 decimals)', async () => {
    const hhi = await criterion(lake, 'T12000', 'GEODEP', 'us_import_hhi');
    expect(num(hhi.value)).toBeCloseTo(0.4, 12);
    expect(hhi.status).toBe('not_met');
    expect((await verdict(lake, 'T12000', 'GEODEP')).verdict).toBe('not_flagged');
  });

  test('T13: no US exports in a complete listing → ratio 9999 (GeoDep convention) → met', async () => {
    const ratio = await criterion(lake, 'T13000', 'GEODEP', 'import_export_ratio');
    expect(ratio.value).toBe(9999);
    expect(ratio.status).toBe('met');
    expect(ratio.basis).toMatch(/9999/);
  });

  test('no world dataset for the product: world HHI and the ratio are not computable, with the reason', async () => {
    const world = await criterion(lake, 'NOWRLD', 'GEODEP', 'world_export_hhi');
    expect(world.value).toBeNull();
    expect(world.status).toBe('not_computable');
    expect(world.basis).toMatch(/no world-trade dataset/);
    const ratio = await criterion(lake, 'NOWRLD', 'GEODEP', 'import_export_ratio');
    expect(ratio.status).toBe('not_computable');
    expect(await verdict(lake, 'NOWRLD', 'GEODEP')).toMatchObject({
      verdict: 'not_computable',
      n_met: 1,
      n_not_computable: 2,
    });
  });

  test('a product covered only at HS4: the heading’s world HHI, and the heading’s US imports over its US exports', async () => {
    const world = await criterion(lake, 'Q77701', 'GEODEP', 'world_export_hhi');
    expect(num(world.value)).toBeCloseTo(0.5 ** 2 + 0.4 ** 2 + 0.1 ** 2, 12);
    expect(world.basis).toMatch(/HS4 Q777/);
    // (800 + 200) US imports of the heading / 100 US exports
    const ratio = await criterion(lake, 'Q77702', 'GEODEP', 'import_export_ratio');
    expect(num(ratio.value)).toBeCloseTo(10, 12);
  });
});

describe('CRMA 65 %, MGI 0.3 and OECD "fewer than half"', () => {
  let lake: FixtureLake;
  const imports: Record<string, Record<string, number>> = {
    // CN 70 % → CR1 0.70 > 0.65; HHI 0.49 + 0.09 + … > 0.3
    GLOBAL: { '156': 70, '392': 30 },
    ECONSP: { '156': 70, '392': 30 },
    NOLIST: { '156': 70, '392': 30 },
    TRIMMD: { '156': 70, '392': 30 },
    // CN 65 % exactly: not above the benchmark; HHI 0.4225 + 0.1225 = 0.545
    AT065: { '156': 65, '392': 35 },
    // four equal suppliers: HHI 0.25, not concentrated
    DIVERS: { '156': 25, '392': 25, '410': 25, '276': 25 },
  };
  const tenExporters = { CHN: 10, DEU: 10, JPN: 10, KOR: 10, USA: 10, FRA: 10, ITA: 10, VNM: 10, MYS: 10, THA: 10 };
  const world: WorldTradeRow[] = [
    ...worldRows({ year: 2023, hs_code: 'GLOBAL' }, { CHN: 80, DEU: 10, JPN: 10 }),
    // ten equal exporters: HHI 0.1 — economy-specific; two US suppliers of ten exporters = 0.2 < 0.5
    ...worldRows({ year: 2023, hs_code: 'ECONSP' }, tenExporters),
    // four US suppliers of ten exporters = 0.4 < 0.5 → met; AT065: 2 of 4 = 0.5, not below
    ...worldRows({ year: 2023, hs_code: 'DIVERS' }, tenExporters),
    ...worldRows({ year: 2023, hs_code: 'AT065' }, { CHN: 10, DEU: 10, JPN: 10, KOR: 10 }),
    // a trimmed bilateral list (exporters → DEU): HHI of CN 10, US 5 = 0.5556, but it cannot count exporters
    ...worldRows(
      {
        year: 2023,
        hs_code: 'TRIMMD',
        coverage: 'top_flows',
        reported_by: 'reconciled',
        importer: 'DEU',
        dataset: 'trimmed',
      },
      { CHN: 10, USA: 5 },
    ),
  ];

  beforeAll(async () => {
    lake = await lakeOf(
      Object.entries(imports).flatMap(([hs6, partners]) => tradeRows(ref, { year: 2023, hs6 }, partners)),
      world,
    );
  });
  afterAll(() => lake.close());

  test('CRMA: largest supplier above 65 % met, at 65 % not met; the share is of imports (said in the basis)', async () => {
    const met = await criterion(lake, 'GLOBAL', 'CRMA_65', 'top_supplier_share');
    expect(num(met.value)).toBeCloseTo(0.7, 12);
    expect(met.status).toBe('met');
    expect(met.basis).toMatch(/not of US consumption/);
    expect((await verdict(lake, 'GLOBAL', 'CRMA_65')).verdict).toBe('flagged');
    const at = await criterion(lake, 'AT065', 'CRMA_65', 'top_supplier_share');
    expect(num(at.value)).toBeCloseTo(0.65, 12);
    expect(at.status).toBe('not_met');
    // The largest supplier's share exists wherever US imports do: CRMA is never not computable here.
    const { rows } = await lake.engine.query(
      "SELECT COUNT(*) AS n FROM screen_criteria WHERE framework_id = 'CRMA_65' AND status = 'not_computable'",
    );
    expect(Number(rows[0].n)).toBe(0);
  });

  test('MGI: global, economy-specific, not concentrated, and flagged with the type unknown where no world figure exists', async () => {
    expect(await verdict(lake, 'GLOBAL', 'MGI_2023')).toMatchObject({ verdict: 'flagged', classification: 'global' });
    expect(await verdict(lake, 'ECONSP', 'MGI_2023')).toMatchObject({
      verdict: 'flagged',
      classification: 'economy_specific',
    });
    expect(await verdict(lake, 'DIVERS', 'MGI_2023')).toMatchObject({ verdict: 'not_flagged', classification: null });
    expect(await verdict(lake, 'NOLIST', 'MGI_2023')).toMatchObject({
      verdict: 'flagged',
      classification: 'not_computable',
    });
    // a trimmed listing still gives an HHI (shares, not counts): CN 10, US 5 → 0.5556 → global
    expect(await verdict(lake, 'TRIMMD', 'MGI_2023')).toMatchObject({ verdict: 'flagged', classification: 'global' });
    const twoSided = await lake.rows('supply_two_sided', 'hs6');
    const classes = Object.fromEntries(twoSided.map((r) => [r.hs6, r.classification]));
    // AT065: US imports 0.545, world four equal exporters 0.25 → economy-specific
    expect(classes).toEqual({
      AT065: 'economy_specific',
      DIVERS: 'not_concentrated',
      ECONSP: 'economy_specific',
      GLOBAL: 'global',
      NOLIST: 'not_computable',
      TRIMMD: 'global',
    });
    expect(num(twoSided.find((r) => r.hs6 === 'DIVERS')!.us_import_hhi)).toBeCloseTo(0.25, 12);
    expect(num(twoSided.find((r) => r.hs6 === 'GLOBAL')!.world_hhi)).toBeCloseTo(0.66, 12);
    expect(twoSided.find((r) => r.hs6 === 'NOLIST')!.world_hhi).toBeNull();
    expect(twoSided.every((r) => r.threshold === 0.3)).toBe(true);
  });

  test('OECD: 4 US suppliers of 10 world exporters met, 2 of 4 not (not below half), a trimmed list not computable', async () => {
    const met = await criterion(lake, 'DIVERS', 'OECD_HALF', 'supplier_ratio');
    expect(num(met.value)).toBeCloseTo(0.4, 12);
    expect(met.status).toBe('met');
    const half = await criterion(lake, 'AT065', 'OECD_HALF', 'supplier_ratio');
    expect(num(half.value)).toBeCloseTo(0.5, 12);
    expect(half.status).toBe('not_met');
    const trimmed = await criterion(lake, 'TRIMMD', 'OECD_HALF', 'supplier_ratio');
    expect(trimmed.status).toBe('not_computable');
    expect(trimmed.basis).toMatch(/no complete listing/);
  });
});

describe('persistence and churn', () => {
  let lake: FixtureLake;
  // CRMA has one criterion (largest supplier > 65 %), so a year's verdict is set by CN's share alone.
  // A: flagged 2019, 2020, not 2021, flagged 2022, no data 2023, flagged 2024.  B: flagged 2020, not 2021.
  const flaggedA: Record<number, boolean> = { 2019: true, 2020: true, 2021: false, 2022: true, 2024: true };
  const flaggedB: Record<number, boolean> = { 2020: true, 2021: false };
  const shares = (flagged: boolean) => (flagged ? { '156': 80, '392': 20 } : { '156': 50, '392': 50 });

  beforeAll(async () => {
    lake = await lakeOf(
      [
        ...Object.entries(flaggedA).flatMap(([y, f]) => tradeRows(ref, { year: Number(y), hs6: 'AAAAAA' }, shares(f))),
        ...Object.entries(flaggedB).flatMap(([y, f]) => tradeRows(ref, { year: Number(y), hs6: 'BBBBBB' }, shares(f))),
      ],
      [],
    );
  });
  afterAll(() => lake.close());

  const persistence = async (hs6: string) =>
    Object.fromEntries(
      (
        await lake.engine.query(
          "SELECT * FROM screen_persistence WHERE hs6 = ? AND framework_id = 'CRMA_65' ORDER BY year",
          [hs6],
        )
      ).rows.map((r) => [r.year, r]),
    );

  test('flagged in ≥ 2 of the last 3 years; undecided while the missing years could still make it', async () => {
    const a = await persistence('AAAAAA');
    // 2019: 1 flagged of 1 decided, two years unknown → could still be 2: NULL
    expect(a[2019]).toMatchObject({ flagged_years: 1, decided_years: 1, persistent: null });
    expect(a[2020]).toMatchObject({ flagged_years: 2, persistent: true });
    expect(a[2021]).toMatchObject({ flagged_years: 2, persistent: true });
    expect(a[2022]).toMatchObject({ flagged_years: 2, persistent: true });
    // 2024: window 2022 (flagged), 2023 (no data), 2024 (flagged) → 2 of 3
    expect(a[2024]).toMatchObject({ flagged_years: 2, decided_years: 2, persistent: true });
    const b = await persistence('BBBBBB');
    // 2021: flagged 2020 only, 2019 missing → 1 + 1 undecided = could be 2: NULL
    expect(b[2021]).toMatchObject({ flagged_years: 1, persistent: null });
  });

  test('entered and exited need both years decided; newly persistent marks the first persistent year', async () => {
    const a = await persistence('AAAAAA');
    expect(a[2019]).toMatchObject({ entered: null, exited: null });
    expect(a[2020]).toMatchObject({ entered: false, exited: false, newly_persistent: null });
    expect(a[2021]).toMatchObject({ entered: false, exited: true });
    expect(a[2022]).toMatchObject({ entered: true, exited: false });
    // 2023 has no verdict: 2024 cannot say whether it entered
    expect(a[2024]).toMatchObject({ entered: null, exited: null });
  });

  test('churn 2021: both products flagged in 2020 left the list → 2 of 2', async () => {
    const { rows } = await lake.engine.query("SELECT * FROM screen_churn WHERE framework_id = 'CRMA_65' ORDER BY year");
    const byYear = Object.fromEntries(rows.map((r) => [r.year, r]));
    expect(byYear[2020]).toMatchObject({ n_flagged: 2, n_entered: 0, n_exited: 0, n_flagged_before: 1 });
    expect(byYear[2021]).toMatchObject({ n_flagged: 0, n_exited: 2, n_flagged_before: 2 });
    expect(num(byYear[2021].churn_rate)).toBeCloseTo(1, 12);
    expect(byYear[2022]).toMatchObject({ n_flagged: 1, n_entered: 1, n_flagged_before: 0, churn_rate: null });
  });
});

describe('mirror gaps', () => {
  let lake: FixtureLake;
  beforeAll(async () => {
    const mirror = { year: 2022, hs_code: '850511', dataset: 'mirror', coverage: 'reporters' as const };
    lake = await lakeOf(
      [],
      [
        // the importer's declaration: exporter CHN → USA 100 (customs value)
        ...worldRows({ ...mirror, reported_by: 'importer', flow: 'M', importer: 'USA' }, { CHN: 100, JPN: 40 }).map(
          (r) => ({ ...r, value_basis: 'customs' as const }),
        ),
        // the exporters' declarations to the USA: CHN 110, KOR 7 (the USA reports nothing from KOR)
        ...worldRows({ ...mirror, reported_by: 'exporter', flow: 'X', importer: 'USA' }, { CHN: 110, KOR: 7 }),
        // exports to World are not a mirror pair
        ...worldRows({ ...mirror, reported_by: 'exporter', flow: 'X' }, { CHN: 900 }),
      ],
    );
  });
  afterAll(() => lake.close());

  test('gap = partner-reported exports − importer-reported imports, in USD and % of imports; one side only gives no gap', async () => {
    const rows = Object.fromEntries((await lake.rows('mirror_gaps', 'exporter_iso3')).map((r) => [r.exporter_iso3, r]));
    expect(Object.keys(rows).sort()).toEqual(['CHN', 'JPN', 'KOR']);
    expect(rows.CHN).toMatchObject({
      importer_iso3: 'USA',
      import_reported_usd: 100,
      import_basis: 'customs',
      export_reported_usd: 110,
      export_basis: 'FOB',
      gap_usd: 10,
    });
    expect(num(rows.CHN.gap_pct)).toBeCloseTo(0.1, 12);
    expect(rows.JPN).toMatchObject({ export_reported_usd: null, gap_usd: null, gap_pct: null });
    expect(rows.KOR).toMatchObject({ import_reported_usd: null, gap_usd: null, gap_pct: null });
  });
});

describe('monthly anomalies', () => {
  let lake: FixtureLake;
  // 24 months (2021-01 … 2022-12) of CN alternating 100/120 and KR 100/80, World 200 every month:
  // CN mean 110, sample SD √(24·10²/23) = 10.2151; CN share alternates 0.5/0.6 (mean 0.55, SD 0.051075).
  // 2023-01: CN 140, KR 60 → z = 30 / 10.2151 = 2.9368; share 0.7, shift +15 pp, share z 2.9368.
  // A second product has the same CN months without World rows (no share) and a gap in 2021-06.
  const months = Array.from({ length: 25 }, (_, i) => ({ year: 2021 + Math.floor(i / 12), month: (i % 12) + 1, i }));
  const cn = (i: number) => (i === 24 ? 140 : i % 2 === 0 ? 100 : 120);
  const kr = (i: number) => (i === 24 ? 60 : i % 2 === 0 ? 100 : 80);

  beforeAll(async () => {
    lake = await lakeOf(
      [
        ...months.flatMap(({ year, month, i }) =>
          tradeRows(ref, { year, month, hs6: 'MONTH1' }, { '156': cn(i), '410': kr(i), '0': 200 }),
        ),
        ...months
          .filter(({ i }) => i !== 5)
          .flatMap(({ year, month, i }) => tradeRows(ref, { year, month, hs6: 'MONTH2' }, { '156': cn(i) })),
        // an annual row: never read as a month
        ...tradeRows(ref, { year: 2022, hs6: 'MONTH1' }, { '156': 99999 }),
      ],
      [],
    );
  });
  afterAll(() => lake.close());

  const at = async (hs6: string, partner: string, year: number, month: number) =>
    (
      await lake.engine.query(
        'SELECT * FROM monthly_anomalies WHERE hs6 = ? AND partner_iso3 = ? AND year = ? AND month = ?',
        [hs6, partner, year, month],
      )
    ).rows[0];

  test('a month 2.94σ above its trailing 24-month mean is an anomaly, with its share shift', async () => {
    const r = await at('MONTH1', 'CHN', 2023, 1);
    expect(r.trailing_months).toBe(24);
    expect(num(r.trailing_mean)).toBeCloseTo(110, 10);
    expect(num(r.trailing_sd)).toBeCloseTo(Math.sqrt(2400 / 23), 10);
    expect(num(r.z_score)).toBeCloseTo(30 / Math.sqrt(2400 / 23), 10);
    expect(r.is_anomaly).toBe(true);
    expect(num(r.share)).toBeCloseTo(0.7, 12);
    expect(num(r.share_trailing_mean)).toBeCloseTo(0.55, 12);
    expect(num(r.share_shift_pp)).toBeCloseTo(15, 10);
    expect(num(r.share_z_score)).toBeCloseTo(0.15 / Math.sqrt((24 * 0.05 ** 2) / 23), 8);
    expect(r.is_share_anomaly).toBe(true);
  });

  test('no z-score without 24 months before; no share without the month’s World total; annual rows are not months', async () => {
    const early = await at('MONTH1', 'CHN', 2022, 12);
    expect(early).toMatchObject({ trailing_months: 23, z_score: null, trailing_mean: null, is_anomaly: false });
    const gap = await at('MONTH2', 'CHN', 2023, 1);
    expect(gap).toMatchObject({
      trailing_months: 23,
      z_score: null,
      share: null,
      is_anomaly: false,
      is_share_anomaly: false,
    });
    const { rows } = await lake.engine.query(
      'SELECT COUNT(*) AS n FROM monthly_anomalies WHERE value_usd = 99999 OR month = 0',
    );
    expect(Number(rows[0].n)).toBe(0);
  });
});
