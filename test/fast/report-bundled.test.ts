/**
 * The whole pipeline on the bundled data (ingest → DuckDB metrics → report), checked the way an
 * analyst would: recompute HHI, CR1 and the China share of every product from the bundled CSV and
 * compare with the figures on its page; read the seed article's chip figures from the bundled
 * capacity file and find them, with their sources, on the overview.
 */
import { scaled } from '../support/slowdown.ts';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runIngest } from '../../src/core/ingest/ingest.ts';
import { runMetrics } from '../../src/core/metrics/metrics.ts';
import type { BuildSummary } from '../../src/core/report/build-site.ts';
import { buildSiteFolder } from '../../src/cli/site-folder-build.ts';
import { DuckDBQueryEngine } from '../../src/adapters/duckdb-engine/duckdb-engine.ts';
import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';
import { parseCsv } from '../fixtures/report/read-csv.ts';

const BUNDLED = 'data/bundled';
let work: string;
let site: string;
let summary: BuildSummary;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'chainwatch-report-bundled-'));
  const lakeRoot = join(work, 'lake');
  const store = new FolderObjectStore(lakeRoot);
  await runIngest({ store, runId: 'report-test', dataDir: BUNDLED });
  const engine = await DuckDBQueryEngine.create({ lakeRoot, store });
  try {
    await runMetrics({ engine });
  } finally {
    await engine.close();
  }
  site = join(work, 'site');
  summary = await buildSiteFolder({ store, outDir: site });
}, scaled(120_000));

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('report site on the bundled data', () => {
  it('has one page per bundled HS6 product, HHI, CR1 and China share equal to a recomputation from the bundled CSV', async () => {
    const rows = parseCsv(await readFile(join(BUNDLED, 'us_imports_by_partner_hs6.csv'), 'utf8')).filter(
      (r) => r.is_aggregate_partner === 'f',
    );
    const products = [...new Set(rows.map((r) => r.canonical_product_id))].sort();
    const pages = (await readdir(join(site, 'products'))).filter((f) => f !== 'index.html').sort();
    expect(pages).toEqual(products.map((p) => `${p}.html`));

    for (const hs6 of products) {
      const mine = rows.filter((r) => r.canonical_product_id === hs6);
      const year = String(Math.max(...mine.map((r) => Number(r.year))));
      const cell = mine
        .filter((r) => r.year === year)
        .map((r) => ({ iso3: r.partner_iso3, value: Number(r.import_value_usd) }))
        .filter((c) => c.value > 0);
      const total = cell.reduce((s, c) => s + c.value, 0);
      const expected = {
        hhi: cell.reduce((s, c) => s + (c.value / total) ** 2, 0),
        cr1: Math.max(...cell.map((c) => c.value)) / total,
        china_share: (cell.find((c) => c.iso3 === 'CHN')?.value ?? 0) / total,
        n_suppliers: cell.length,
      };
      const page = await readFile(join(site, 'products', `${hs6}.html`), 'utf8');
      expect(page).toContain(`Key figures, ${year}`);
      for (const [metric, value] of Object.entries(expected)) {
        const shown = new RegExp(`data-metric="${metric}"><data value="([^"]+)">`).exec(page);
        expect(shown, `${hs6} ${metric}`).not.toBeNull();
        expect(Number(shown![1]), `${hs6} ${metric}`).toBeCloseTo(value, 9);
      }
    }
  });

  it('shows the seed article’s chip figures as the bundled capacity file has them, with source and year', async () => {
    const capacity = parseCsv(await readFile(join(BUNDLED, 'semiconductor_fab_capacity_share.csv'), 'utf8'));
    const us = capacity
      .filter((r) => r.indicator === 'fab_capacity_share' && r.geo === 'USA' && r.source_id === 'BCG_2020_WEB')
      .sort((a, b) => Number(a.year) - Number(b.year));
    const taiwan = capacity.find(
      (r) => r.indicator === 'wafer_capacity_share_icinsights' && r.geo === 'TWN' && r.source_id === 'DIGITIMES_2020',
    )!;
    const index = await readFile(join(site, 'index.html'), 'utf8');
    const card = (id: string) =>
      new RegExp(`<article class="card" id="headline-${id}">([\\s\\S]*?)</article>`).exec(index)![1];
    const usCard = card('us-fab-capacity');
    for (const r of [us[0], us.at(-1)!])
      expect(usCard).toContain(
        `<data value="${Number(r.value)}">${Number(r.value).toFixed(1)}%</data></strong> <span class="when">${r.year}</span>`,
      );
    expect(usCard).toContain('#src-BCG_2020_WEB');
    const twCard = card('taiwan-wafer-capacity');
    expect(twCard).toContain(
      `<data value="${Number(taiwan.value)}">≈${Number(taiwan.value).toFixed(1)}%</data></strong> <span class="when">Dec 2019</span>`,
    );
    expect(twCard).toContain('#src-DIGITIMES_2020');
  });

  it('gives every top supplier a country page, and keeps every page of every copy under 500 KB', async () => {
    const rows = parseCsv(await readFile(join(BUNDLED, 'us_imports_by_partner_hs6.csv'), 'utf8')).filter(
      (r) => r.is_aggregate_partner === 'f' && Number(r.import_value_usd) > 0,
    );
    const cells = new Map<string, { iso3: string; value: number }[]>();
    for (const r of rows)
      cells.set(`${r.canonical_product_id}|${r.year}`, [
        ...(cells.get(`${r.canonical_product_id}|${r.year}`) ?? []),
        { iso3: r.partner_iso3, value: Number(r.import_value_usd) },
      ]);
    const leaders = new Set(
      [...cells.values()].map((c) => [...c].sort((a, b) => b.value - a.value || a.iso3.localeCompare(b.iso3))[0].iso3),
    );
    const countryPages = (await readdir(join(site, 'countries'))).filter((f) => f !== 'index.html').sort();
    expect(countryPages).toEqual([...leaders].sort().map((c) => `${c}.html`));

    const files = (await readdir(site, { recursive: true, withFileTypes: true })).filter(
      (e) => e.isFile() && e.name.endsWith('.html'),
    );
    const sizes = await Promise.all(
      files.map(async (e) => ({
        path: join(e.parentPath, e.name),
        bytes: (await readFile(join(e.parentPath, e.name))).length,
      })),
    );
    const heaviest = sizes.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    expect(heaviest.bytes, heaviest.path).toBeLessThan(500 * 1024);
    expect(summary.largestPage.bytes).toBe(
      Math.max(
        ...sizes.filter((s) => !s.path.includes('/releases/') && !s.path.includes('/latest/')).map((s) => s.bytes),
      ),
    );
    const release = sizes.filter(
      (s) => !s.path.includes(`${join(site, 'releases')}/`) && !s.path.includes(`${join(site, 'latest')}/`),
    );
    expect(summary.pages).toBe(release.length);
  });

  it('checks the seed article’s four claims with the verdicts the bundled rows give', async () => {
    const csv = async (file: string) => parseCsv(await readFile(join(BUNDLED, file), 'utf8'));
    const combine = (vs: string[]) =>
      vs.length === 0 ? 'not-testable' : vs.every((v) => v === vs[0]) ? vs[0] : 'partly';
    const level = (v: number, claimed: number, side = Infinity) =>
      Math.abs(v - claimed) <= 2
        ? 'supported'
        : side !== Infinity && v > side === claimed > side
          ? 'partly'
          : 'not-supported';
    const endYear = (period: string) => Number(period.match(/\d{4}/g)!.at(-1));

    // US capacity share, 37% (1990) → 12% (latest up to the article): each source with both ends.
    const capacity = (await csv('semiconductor_fab_capacity_share.csv')).filter(
      (r) => r.indicator === 'fab_capacity_share' && r.geo === 'USA' && endYear(r.year) <= 2021,
    );
    const chip = combine(
      [...new Set(capacity.map((r) => r.source_id))].flatMap((src) => {
        const series = capacity.filter((r) => r.source_id === src).sort((a, b) => endYear(a.year) - endYear(b.year));
        const [start, end] = [
          series.find((r) => r.year === '1990'),
          series.filter((r) => endYear(r.year) > 1990).at(-1),
        ];
        if (!start || !end) return [];
        const both = Math.abs(Number(start.value) - 37) <= 2 && Math.abs(Number(end.value) - 12) <= 2;
        return [both ? 'supported' : Number(end.value) < Number(start.value) ? 'partly' : 'not-supported'];
      }),
    );
    // Taiwan 22% and the largest: IC Insights rows up to the article, and Taiwan's rank among the regions listed for the same date.
    const wafer = (await csv('semiconductor_fab_capacity_share.csv')).filter(
      (r) => r.indicator === 'wafer_capacity_share_icinsights' && endYear(r.year) <= 2021,
    );
    const taiwanRows = wafer.filter((r) => r.geo === 'TWN');
    const rank = taiwanRows.flatMap((t) => {
      const others = wafer.filter((r) => r.year === t.year && r.geo !== 'TWN');
      return others.length
        ? [others.every((o) => Number(o.value) < Number(t.value)) ? 'supported' : 'not-supported']
        : [];
    });
    const taiwan = combine([combine(taiwanRows.map((r) => level(Number(r.value), 22))), combine(rank)]);
    // Rare earths 85%: USGS import-source shares, and China + Hong Kong + Macao of HS 280530/284610/284690 imports, 2018–2020.
    const usgs = (await csv('rare_earths.csv')).filter(
      (r) => r.indicator === 'us_import_source_share_compounds_metals' && r.geo === 'CHN',
    );
    const trade = (await csv('us_imports_by_partner_hs6.csv')).filter(
      (r) => r.is_aggregate_partner === 'f' && ['280530', '284610', '284690'].includes(r.canonical_product_id),
    );
    const tradeShares = ['2018', '2019', '2020'].map((y) => {
      const year = trade.filter((r) => r.year === y);
      const china = year
        .filter((r) => ['CHN', 'HKG', 'MAC'].includes(r.partner_iso3))
        .reduce((s, r) => s + Number(r.import_value_usd), 0);
      return (100 * china) / year.reduce((s, r) => s + Number(r.import_value_usd), 0);
    });
    const rareEarths = combine([
      combine(usgs.map((r) => level(Number(r.value), 85, 50))),
      combine(tradeShares.map((v) => level(v, 85, 50))),
    ]);
    // Medical supplies 90%: the PPE share is the broadest medical category in the data.
    const ppe = (await csv('medical_supplies.csv')).filter(
      (r) => r.indicator === 'china_share_us_ppe_imports' && r.geo === 'CHN',
    );
    const medical = combine(ppe.map((r) => level(Number(r.value), 90, 50)));

    const expected = {
      'us-chip-capacity': chip,
      'taiwan-chip-capacity': taiwan,
      'us-rare-earths-from-china': rareEarths,
      'us-medical-supplies-from-china': medical,
    };
    // What the data README says the bundled data show.
    expect(expected).toEqual({
      'us-chip-capacity': 'supported',
      'taiwan-chip-capacity': 'supported',
      'us-rare-earths-from-china': 'partly',
      'us-medical-supplies-from-china': 'not-supported',
    });
    const page = await readFile(join(site, 'claims.html'), 'utf8');
    const shown = Object.fromEntries(
      [
        ...page.matchAll(
          /<section class="claim" id="claim-([\w-]+)"[\s\S]*?Verdict: <span class="verdict verdict-([\w-]+)">/g,
        ),
      ].map((m) => [m[1], m[2]]),
    );
    expect(shown).toEqual(expected);
    // The data side of each verdict is on the page with its source: 70% and 71% from USGS, 48% PPE from Bown.
    for (const r of usgs)
      expect(page).toContain(`<data value="${Number(r.value)}">${Number(r.value).toFixed(1)}%</data>`);
    for (const [i, v] of tradeShares.entries()) expect(page, String(2018 + i)).toContain(`${v.toFixed(1)}%</data>`);
    expect(page).toContain(`<data value="${Number(ppe[0].value)}">${Number(ppe[0].value).toFixed(1)}%</data>`);
    const overview = await readFile(join(site, 'index.html'), 'utf8');
    for (const [id, verdict] of Object.entries(expected))
      expect(overview).toMatch(
        new RegExp(`<span class="verdict verdict-${verdict}">[^<]+</span> <a href="claims.html#claim-${id}">`),
      );
  });
});
