/**
 * The claims check: the claims file quotes the seed article and names rows, never figures; verdicts
 * are computed from the lake at build time, so changing a row changes the verdict, and a new claim
 * needs only a new entry in the file.
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

let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'chainwatch-claims-'));
});

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

const verdicts = (page: string): Record<string, string> =>
  Object.fromEntries(
    [
      ...page.matchAll(
        /<section class="claim" id="claim-([\w-]+)"[\s\S]*?Verdict: <span class="verdict verdict-([\w-]+)">/g,
      ),
    ].map((m) => [m[1], m[2]]),
  );

describe('the claims file', () => {
  it('quotes the seed article verbatim, and every claimed figure is a number the quote states', async () => {
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
      for (const check of claim.checks) {
        const rule = check.rule;
        const claimed = !rule
          ? []
          : rule.kind === 'level'
            ? [rule.claimed]
            : rule.kind === 'change'
              ? [rule.from.claimed, rule.to.claimed]
              : [];
        for (const n of claimed) expect(stated, `${claim.id}/${check.id}`).toContain(n);
      }
    }
  });

  it('refuses a malformed file and says where', () => {
    const broken = structuredClone(bundledClaims()) as unknown as { claims: { checks: { rule?: unknown }[] }[] };
    delete broken.claims[1].checks[0].rule;
    expect(() => parseClaims(broken)).toThrow(InputError);
    expect(() => parseClaims(broken)).toThrow(/claims\.1\.checks\.0.*a test check needs a rule/);
    expect(() => parseClaims({ ...bundledClaims(), claims: [] })).toThrow(/claims/);
  });
});

describe('verdicts from the lake', () => {
  it('come from the fixture rows: chip capacity and Taiwan supported, rare earths partly, medical supplies not supported', async () => {
    const page = await claimsPage('base');
    expect(verdicts(page)).toEqual({
      'us-chip-capacity': 'supported',
      'taiwan-chip-capacity': 'supported',
      'us-rare-earths-from-china': 'partly',
      'us-medical-supplies-from-china': 'not-supported',
    });
    // The data side with its source: USGS 70% beside the claimed 85%, Bown's 48% beside 90%.
    const rare = /<section class="claim" id="claim-us-rare-earths-from-china"[\s\S]*?<\/section>/.exec(page)![0];
    expect(rare).toContain('<data value="70">70.0%</data>');
    expect(rare).toContain('href="sources.html#src-USGS_MCS2025_REE"');
    expect(rare).toContain('15.0 pp from the claimed 85%, but like the claim above 50%');
    const medical = /<section class="claim" id="claim-us-medical-supplies-from-china"[\s\S]*?<\/section>/.exec(
      page,
    )![0];
    expect(medical).toContain('<data value="48">48.0%</data>');
    // Context rows are shown, and decide nothing.
    expect(medical).toContain('<data value="85.43">85.4%</data>');
    expect(medical).toContain('Context: shown beside the tests, not used for the verdict.');
  });

  it('change with the rows: a different PPE share, a missing series', async () => {
    const lake = fixtureLake();
    lake.production.find((r) => r.measure === 'china_share_us_ppe_imports')!.value = 89;
    lake.production = lake.production.filter((r) => r.measure !== 'us_import_source_share_compounds_metals');
    lake.tradeFlows = lake.tradeFlows.filter((f) => f.hs6 !== '280530');
    const page = await claimsPage('changed', lake);
    expect(verdicts(page)).toMatchObject({
      'us-medical-supplies-from-china': 'supported',
      'us-rare-earths-from-china': 'not-testable',
    });
    expect(page).toContain('No rows in the lake match this check, so it decides nothing.');
  });

  it('need no code for a new claim: an entry in the file is checked like the others', async () => {
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
          checks: [
            {
              id: 'hs-280530',
              label: 'China’s share of US imports of HS 2805.30, 2024',
              role: 'test',
              select: {
                table: 'dependency',
                reporter: 'USA',
                flow: 'M',
                hs6: ['280530'],
                share: 'china_share',
                years: { from: 2024, to: 2024 },
              },
              rule: { kind: 'level', claimed: 80, tolerance_pp: 2, partly_if_same_side_of: 50 },
            },
          ],
        },
      ],
    });
    const page = await claimsPage('added', fixtureLake(), claims);
    // Computed here from the fixture's 2024 flows: China's value over all supplier countries.
    const flows = fixtureLake().tradeFlows.filter(
      (f) => f.hs6 === '280530' && f.year === 2024 && f.flow === 'M' && !f.partner_is_aggregate,
    );
    const share =
      (100 * flows.find((f) => f.partner_iso3 === 'CHN')!.value_usd!) / flows.reduce((s, f) => s + f.value_usd!, 0);
    expect(share).toBeGreaterThan(50);
    expect(Math.abs(share - 80)).toBeGreaterThan(2);
    expect(verdicts(page)['metals-from-china-2024']).toBe('partly');
    const added =
      /<section class="claim" id="claim-metals-from-china-2024"[\s\S]*?<data value="([^"]+)">([^<]+)<\/data>/.exec(
        page,
      )!;
    expect(Number(added[1])).toBeCloseTo(share, 9);
    expect(added[2]).toBe(`${share.toFixed(1)}%`);
  });
});
