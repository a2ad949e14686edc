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
import { bundledClaims } from '../../src/core/report/claims.ts';
import { allTables } from '../../data-schemas/index.ts';
import { brokenLinks, readerText, sitePages } from '../support/site-text.ts';

const BUNDLED = 'data/bundled';
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const section = (page: string, id: string) =>
  new RegExp(`<section class="claim" id="claim-${id}"[^]*?</section>`).exec(page)![0];
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

  it('grades the seed article’s four claims by the best figure the bundled rows give, on the claims page and the overview alike', async () => {
    const csv = async (file: string) => parseCsv(await readFile(join(BUNDLED, file), 'utf8'));
    const span = (period: string) => (period.match(/\d{4}/g) ?? []).map(Number);
    const covers = (period: string, year: number) => {
      const ys = span(period);
      return ys.length > 0 && Math.min(...ys) <= year && Math.max(...ys) >= year;
    };
    const chipsCsv = await csv('semiconductor_fab_capacity_share.csv');
    // US capacity: the 2020 figure matches the claimed 12% (±1 pp); the newest figure of the same measure does not.
    const capacity = chipsCsv.filter((r) => r.indicator === 'fab_capacity_share' && r.geo === 'USA');
    const then = Number(capacity.find((r) => r.year === '2020')!.value);
    const newest = capacity.sort((a, b) => Number(b.year) - Number(a.year))[0];
    expect(Math.abs(then - 12)).toBeLessThanOrEqual(1);
    expect(Math.abs(Number(newest.value) - 12)).toBeGreaterThan(1);
    // Taiwan: IC Insights for Dec 2020, within 1 pp of 22%, and ahead of every region listed for that date.
    const wafer = chipsCsv.filter((r) => r.indicator === 'wafer_capacity_share_icinsights' && r.year === '2020-12');
    const taiwan = Number(wafer.find((r) => r.geo === 'TWN')!.value);
    expect(Math.abs(taiwan - 22)).toBeLessThanOrEqual(1);
    expect(wafer.filter((r) => r.geo !== 'TWN').every((r) => Number(r.value) < taiwan)).toBe(true);
    // Rare earths: USGS's share for the period covering 2020 is the best figure; the claim is above it by more than 2 pp.
    const usgs = Number(
      (await csv('rare_earths.csv')).find(
        (r) => r.indicator === 'us_import_source_share_compounds_metals' && r.geo === 'CHN' && covers(r.year, 2020),
      )!.value,
    );
    expect(85 - usgs).toBeGreaterThan(2);
    // The trade share of the same basket pooled over USGS's period, shown beside it.
    const pool = (await csv('us_imports_by_partner_hs6.csv')).filter(
      (r) =>
        r.is_aggregate_partner === 'f' &&
        ['280530', '284610', '284690'].includes(r.canonical_product_id) &&
        Number(r.year) >= 2020 &&
        Number(r.year) <= 2023,
    );
    const china = pool
      .filter((r) => ['CHN', 'HKG', 'MAC'].includes(r.partner_iso3))
      .reduce((s, r) => s + Number(r.import_value_usd), 0);
    const pooled = (100 * china) / pool.reduce((s, r) => s + Number(r.import_value_usd), 0);

    const expected = {
      'us-chip-capacity': ['out-of-date', 'Out of date', then],
      'taiwan-chip-capacity': ['accurate', 'Accurate', taiwan],
      'us-rare-earths-from-china': ['overstated', `Overstated by ${85 - usgs} pp`, usgs],
      'us-medical-supplies-from-china': ['not-checkable', 'Not checkable with these data — proxies shown', null],
    } as const;
    const page = await readFile(join(site, 'claims.html'), 'utf8');
    const overview = await readFile(join(site, 'index.html'), 'utf8');
    for (const [id, [grade, label, best]] of Object.entries(expected)) {
      const badge = `<span class="verdict verdict-${grade}">${label}</span> <span class="best${best === null ? ' small">no direct figure' : `"><data value="${best}">`}`;
      expect(page, id).toMatch(new RegExp(`<section class="claim" id="claim-${id}"[^]*?Verdict: ${escapeRe(badge)}`));
      // The overview shows the same grade, the same best number and the same sentence as the claims page.
      expect(overview, id).toMatch(new RegExp(`<li id="home-claim-${id}">${escapeRe(badge)}`));
      const sentence = (html: string, start: string) =>
        new RegExp(`${start}[^]*?class="[^"]*claim-sentence">([^]*?)</(?:span|p)>`).exec(html)![1];
      const onPage = sentence(page, `<section class="claim" id="claim-${id}"`);
      const onHome = sentence(overview, `<li id="home-claim-${id}">`);
      expect(onHome, id).toBe(onPage);
    }
    // One basket, one number: the overview's rare-earths import headline names its basket, and the claims
    // page, computing the share for the registry's basket of the same name and HS codes, gives the same figure.
    const registry = bundledClaims().baskets['rare-earth-sector'];
    const headline = new RegExp(
      `China’s share of US imports of the rare earths sector basket \\(\\d+ HS6 products: HS ${registry.hs6.join(', ')}\\)</h3>[^]*?<span class="when">China, (\\d{4})</span>[^]*?<data value="([^"]+)">[^<]+</data></strong> <span class="when">incl\\. Hong Kong and Macao`,
    ).exec(overview)!;
    const context =
      /sector basket, which adds permanent magnets[\s\S]*?<data value="([^"]+)">[^<]+<\/data> \((\d{4})\)/.exec(
        section(page, 'us-rare-earths-from-china'),
      )!;
    expect(context[2]).toBe(headline[1]);
    expect(Number(context[1])).toBeCloseTo(100 * Number(headline[2]), 9);
    expect(section(page, 'us-chip-capacity')).toContain(
      `The latest figure is <data value="${Number(newest.value)}">${Number(newest.value).toFixed(1)}%</data> (${newest.year})`,
    );
    expect(section(page, 'us-rare-earths-from-china')).toContain(
      `<data value="${pooled}">${pooled.toFixed(1)}%</data></td><td>2020–2023`,
    );
  });

  it('has no broken internal link on any page', async () => {
    const pages = await sitePages(site);
    expect(pages.length).toBeGreaterThan(50);
    expect(await brokenLinks(site, pages)).toEqual([]);
  });

  it('shows and speaks no internal identifier — a schema column or a source id — outside code and analyst tables', async () => {
    const columns = new Set(allTables.flatMap((t) => Object.keys(t.schema.shape)).filter((c) => c.includes('_')));
    const sources = await readFile(join(site, 'sources.html'), 'utf8');
    const sourceIds = new Set([...sources.matchAll(/\bid="src-([^"]+)"/g)].map((m) => m[1]));
    expect(columns.has('value_usd')).toBe(true);
    expect(sourceIds.has('USGS_MCS2025_REE')).toBe(true);
    const leaks: string[] = [];
    for (const page of await sitePages(site)) {
      const text = readerText(await readFile(join(site, page), 'utf8'));
      for (const word of new Set(text.match(/[A-Za-z0-9]+(?:_[A-Za-z0-9]+)+/g) ?? []))
        if (columns.has(word) || sourceIds.has(word)) leaks.push(`${page}: ${word}`);
    }
    expect(leaks).toEqual([]);
  });
});
