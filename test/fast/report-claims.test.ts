/**
 * The claims check: the registry quotes the seed article, says what each claim measures and names
 * rows, never figures; grades and best figures are computed from the lake at build time, so changing
 * a row changes the verdict, and a new claim needs only a new entry in the file.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSiteFolder } from '../../src/cli/site-folder-build.ts';
import { bundledClaims, parseClaims, type ClaimsFile } from '../../src/core/report/claims.ts';
import { InputError } from '../../src/core/errors.ts';
import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';
import { fixtureLake, writeFixtureLake, type FixtureLake } from '../fixtures/report/fixture-lake.ts';
import { fixtureSite } from '../support/fixture-site.ts';
import { scaled } from '../support/slowdown.ts';

let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'chainwatch-claims-'));
  await fixtureSite();
}, scaled(150_000));

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function claimsPage(name: string, lake: FixtureLake = fixtureLake(), claims?: ClaimsFile): Promise<string> {
  const store = new FolderObjectStore(join(work, `${name}-lake`));
  await writeFixtureLake(store, lake);
  const out = join(work, `${name}-site`);
  await buildSiteFolder({ store, outDir: out, releaseMonth: '2026-03', claims });
  return readFile(join(out, 'claims.html'), 'utf8');
}

/** Each claim's grade class, verdict words and best number as the claims page shows them. */
const verdicts = (page: string): Record<string, { grade: string; label: string; best: number | null }> =>
  Object.fromEntries(
    [
      ...page.matchAll(
        /<section class="claim" id="claim-([\w-]+)"[\s\S]*?Verdict: <span class="verdict verdict-([\w-]+)">([^<]+)<\/span> <span class="best[^"]*">(?:<data value="([^"]+)">)?/g,
      ),
    ].map((m) => [m[1], { grade: m[2], label: m[3], best: m[4] === undefined ? null : Number(m[4]) }]),
  );

const section = (page: string, id: string) =>
  new RegExp(`<section class="claim" id="claim-${id}"[\\s\\S]*?</section>`).exec(page)![0];

/** A percentage row of the fixture: its value, looked up by what it is, never typed. */
const row = (lake: FixtureLake, measure: string, geo: string, period: string) =>
  lake.production.find((r) => r.measure === measure && r.geo_iso3 === geo && r.period === period)!;

describe('the claim registry', () => {
  it('quotes the seed article verbatim, states what each claim measures, and every claimed figure is a number the quote states', async () => {
    const article = (await readFile('test/fixtures/report/seed-article.txt', 'utf8')).replace(/\s+/g, ' ');
    const file = bundledClaims();
    expect(file.claims.map((c) => c.id)).toEqual([
      'us-chip-capacity',
      'taiwan-chip-capacity',
      'us-rare-earths-from-china',
      'us-medical-supplies-from-china',
    ]);
    for (const claim of file.claims) {
      expect(article, claim.id).toContain(claim.quote);
      const stated = (claim.quote.match(/\d+(\.\d+)?/g) ?? []).map(Number);
      for (const f of claim.figures) expect(stated, `${claim.id}/${f.label}`).toContain(f.claimed);
      for (const key of ['metric', 'numerator', 'geography', 'period'] as const) expect(claim[key]).not.toBe('');
    }
  });

  it('refuses a malformed file and says where', () => {
    const broken = structuredClone(bundledClaims()) as unknown as { claims: { evidence: { stage?: unknown }[] }[] };
    broken.claims[1].evidence[0].stage = 'assembly';
    expect(() => parseClaims(broken)).toThrow(InputError);
    expect(() => parseClaims(broken)).toThrow(/claims\.1\.evidence\.0\.stage/);
    expect(() => parseClaims({ ...bundledClaims(), claims: [] })).toThrow(/claims/);
    const noBasket = structuredClone(bundledClaims());
    noBasket.baskets = {};
    expect(() => parseClaims(noBasket)).toThrow(/names a basket defined in "baskets"/);
  });
});

describe('graded verdicts from the lake', () => {
  it('grade each claim by its best figure: chips and Taiwan accurate, rare earths overstated by the gap, medical supplies not checkable', async () => {
    const lake = fixtureLake();
    // The fixture lake's site, shared read-only (test/support/fixture-site.ts).
    const page = await readFile(join((await fixtureSite()).site, 'claims.html'), 'utf8');
    const v = verdicts(page);
    const usgs = row(lake, 'us_import_source_share_compounds_metals', 'CHN', '2020-2023').value!;
    const chips2020 = row(lake, 'fab_capacity_share', 'USA', '2020').value!;
    const taiwan2020 = row(lake, 'wafer_capacity_share_icinsights', 'TWN', '2020-12').value!;
    const korea2020 = row(lake, 'wafer_capacity_share_icinsights', 'KOR', '2020-12').value!;
    expect(v).toEqual({
      'us-chip-capacity': {
        grade: 'accurate',
        label: 'Accurate',
        best: chips2020,
      },
      'taiwan-chip-capacity': { grade: 'accurate', label: 'Accurate', best: taiwan2020 },
      'us-rare-earths-from-china': {
        grade: 'overstated',
        label: `Overstated by ${Math.round((85 - usgs) * 10) / 10} pp`,
        best: usgs,
      },
      'us-medical-supplies-from-china': {
        grade: 'not-checkable',
        label: 'Not checkable with these data — proxies shown',
        best: null,
      },
    });
    // The rank: Taiwan against the one other region IC Insights lists for the same date, and the margin.
    expect(section(page, 'taiwan-chip-capacity')).toContain(
      `It ranks 1st of 2 regions listed for Dec 2020, ${Math.round((taiwan2020 - korea2020) * 10) / 10} pp ahead of South Korea`,
    );
    // The relative gap beside the pp, and the source named, not its id.
    const rare = section(page, 'us-rare-earths-from-china');
    expect(rare).toContain(`the claim is ${((100 * (85 - usgs)) / usgs).toFixed(0)}% higher than the data`);
    expect(rare).toContain('href="sources.html#src-USGS_MCS2025_REE"');
    expect(rare).not.toMatch(/>[^<]*USGS_MCS2025_REE/);
    // A restatement is shown beside the figure it repeats and not counted as a second source.
    const chips = section(page, 'us-chip-capacity');
    expect(chips).toMatch(/also restated by <a href="sources\.html#src-FT_2021">/);
    // Proxies for medical supplies: the range of what parts of it show, from the rows.
    const parts = [
      'china_share_us_ppe_imports',
      'china_share_us_imports_mask_category',
      'china_hk_share_us_seaborne_face_mask_shipments',
    ];
    const values = lake.production.filter((r) => parts.includes(r.measure)).map((r) => r.value!);
    const medical = section(page, 'us-medical-supplies-from-china');
    expect(medical).toContain(`range from <data value="${Math.min(...values)}">`);
    expect(medical).toContain(`to <data value="${Math.max(...values)}">`);
  });

  it('change with the rows: a later capacity figure makes the chip claim out of date; without USGS the trade share pooled over its period is best', async () => {
    const lake = fixtureLake();
    const base = row(lake, 'fab_capacity_share', 'USA', '2020');
    lake.production.push({ ...base, period: '2022', year: 2022, value: 10, source_id: 'SIA_2024_WEB' });
    lake.production = lake.production.filter((r) => r.measure !== 'us_import_source_share_compounds_metals');
    const page = await claimsPage('changed', lake);
    const v = verdicts(page);
    expect(v['us-chip-capacity']).toEqual({ grade: 'out-of-date', label: 'Out of date', best: 12 });
    expect(section(page, 'us-chip-capacity')).toContain('The latest figure is <data value="10">10.0%</data> (2022)');
    expect(section(page, 'us-chip-capacity')).toContain('−2.0 pp, −16.7% since');
    // Without USGS, the best figure for rare earths is the trade share pooled over 2020–2023 (only 2022–2023 rows in the fixture).
    const flows = lake.tradeFlows.filter(
      (f) =>
        ['280530', '284610', '284690'].includes(f.hs6) &&
        f.year >= 2022 &&
        f.year <= 2023 &&
        f.flow === 'M' &&
        !f.partner_is_aggregate,
    );
    const china = flows
      .filter((f) => ['CHN', 'HKG', 'MAC'].includes(f.partner_iso3))
      .reduce((s, f) => s + f.value_usd!, 0);
    const pooled = (100 * china) / flows.reduce((s, f) => s + f.value_usd!, 0);
    expect(v['us-rare-earths-from-china'].best).toBeCloseTo(pooled, 9);
    expect(v['us-rare-earths-from-china'].grade).toBe(85 - pooled > 2 ? 'overstated' : 'accurate');
  });

  it('need no code for a new claim: an entry in the file is graded like the others', async () => {
    const file = bundledClaims();
    const claims = parseClaims({
      ...file,
      claims: [
        ...file.claims,
        {
          id: 'metals-from-china-2024',
          sector: 'rare_earths',
          quote: 'China supplies 80 percent of the rare-earth metals the US imports',
          claim: 'China supplied 80% of US imports of rare-earth metals in 2024.',
          metric: 'China’s share of US imports of rare-earth metals',
          stage: 'refine',
          numerator: 'US imports of rare-earth metals from China',
          denominator: 'US imports',
          geography: 'China',
          period: '2024',
          unit: 'percent',
          article_source: { why: 'A test claim.' },
          figures: [{ label: '2024', year: 2024, claimed: 80 }],
          tolerance_pp: 2,
          max_years_off: 0,
          evidence: [
            {
              id: 'hs-280530',
              label: 'China’s share of US imports of HS 2805.30',
              stage: 'refine',
              denominator: 'US imports',
              coverage: 'same',
              select: { table: 'dependency', reporter: 'USA', flow: 'M', basket: 'metals', share: 'china_share' },
            },
          ],
        },
      ],
      baskets: { ...file.baskets, metals: { label: 'Rare-earth metals', hs6: ['280530'], why: 'A test basket.' } },
    });
    const page = await claimsPage('added', fixtureLake(), claims);
    // Computed here from the fixture's 2024 flows: China's value over all supplier countries.
    const flows = fixtureLake().tradeFlows.filter(
      (f) => f.hs6 === '280530' && f.year === 2024 && f.flow === 'M' && !f.partner_is_aggregate,
    );
    const share =
      (100 * flows.find((f) => f.partner_iso3 === 'CHN')!.value_usd!) / flows.reduce((s, f) => s + f.value_usd!, 0);
    const v = verdicts(page)['metals-from-china-2024'];
    expect(v.best).toBeCloseTo(share, 9);
    expect(v.grade).toBe(80 - share > 2 ? 'overstated' : 80 - share < -2 ? 'understated' : 'accurate');
    expect(v.label).toContain(`${Math.round(Math.abs(80 - share) * 10) / 10} pp`);
  });
});
