/**
 * The whole pipeline on the bundled data (ingest → DuckDB metrics → report), checked the way an
 * analyst would: recompute HHI, CR1 and the China share of every product from the bundled CSV and
 * compare with the figures on its page; read the seed article's chip figures from the bundled
 * capacity file and find them, with their sources, on the overview.
 */
import { scaled } from '../support/slowdown.ts';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BuildSummary } from '../../src/core/report/build-site.ts';
import { bundledBuild } from '../support/bundled-site.ts';
import { parseCsv } from '../fixtures/report/read-csv.ts';
import { bundledClaims } from '../../src/core/report/claims.ts';
import { allTables } from '../../data-schemas/index.ts';
import { brokenLinks, readerText, sitePages } from '../support/site-text.ts';

const BUNDLED = 'data/bundled';
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const section = (page: string, id: string) =>
  new RegExp(`<section class="claim" id="claim-${id}"[^]*?</section>`).exec(page)![0];
/** A page as a reader meets it (text and spoken labels, no code), with its whitespace collapsed. */
const readPage = async (page: string) => readerText(await readFile(join(site, page), 'utf8')).replace(/\s+/g, ' ');
const bundledCsv = async (file: string) => parseCsv(await readFile(join(BUNDLED, file), 'utf8'));
const referenceCsv = async (file: string) => parseCsv(await readFile(join('data-schemas/reference', file), 'utf8'));
let site: string;
let summary: BuildSummary;

// The bundled site, built once and shared read-only (test/support/bundled-site.ts).
beforeAll(async () => {
  ({ site, summary } = await bundledBuild());
}, scaled(120_000));

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
        `<data value="${Number(r.value)}">${Math.round(Number(r.value))}%</data></strong> <span class="when">${r.year}</span>`,
      );
    expect(usCard).toContain('#src-BCG_2020_WEB');
    const twCard = card('taiwan-wafer-capacity');
    expect(twCard).toContain(
      `<data value="${Number(taiwan.value)}">≈${Math.round(Number(taiwan.value))}%</data></strong> <span class="when">Dec 2019</span>`,
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
      `China’s share of US imports of the rare earths sector basket \\(\\d+ HS6 products: HS ${registry.hs6.join(', ')}\\)</h3>[^]*?<span class="when">China, (\\d{4})(?: \\(provisional\\))?</span>[^]*?<data value="([^"]+)">[^<]+</data></strong> <span class="when">incl\\. Hong Kong and Macao`,
    ).exec(overview)!;
    const context =
      /sector basket, which adds permanent magnets[\s\S]*?<data value="([^"]+)">[^<]+<\/data> \((\d{4})(?: \(provisional\))?\)/.exec(
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

  it('shows and speaks no internal identifier — a schema column or table, a measure or a source id — outside code and analyst tables', async () => {
    const snake = (names: Iterable<string>) => [...names].filter((n) => n.includes('_'));
    const measures = new Set<string>();
    for (const file of ['rare_earths.csv', 'ev_batteries_and_minerals.csv', 'semiconductor_fab_capacity_share.csv'])
      for (const r of await bundledCsv(file)) measures.add(r.indicator);
    const identifiers = new Set([
      ...snake(allTables.flatMap((t) => Object.keys(t.schema.shape))),
      ...snake(allTables.map((t) => t.name)),
      ...snake(measures),
    ]);
    const sources = await readFile(join(site, 'sources.html'), 'utf8');
    const sourceIds = new Set([...sources.matchAll(/\bid="src-([^"]+)"/g)].map((m) => m[1]));
    for (const known of ['value_usd', 'production_shares', 'fab_capacity_share'])
      expect(identifiers.has(known)).toBe(true);
    for (const known of ['USGS_MCS2025_REE', 'THINCB2B']) expect(sourceIds.has(known)).toBe(true);
    const leaks: string[] = [];
    for (const page of await sitePages(site)) {
      // A file's name (the SQL behind a chart, an input file) names a file, not a column or a measure.
      const text = readerText(await readFile(join(site, page), 'utf8')).replace(/\S+\.(?:sql|csv|json)\b/g, ' ');
      for (const word of new Set(text.match(/[A-Za-z0-9]+(?:_[A-Za-z0-9]+)*/g) ?? []))
        if (identifiers.has(word) || sourceIds.has(word)) leaks.push(`${page}: ${word}`);
    }
    expect(leaks).toEqual([]);
  });
});

describe('what a reader can quote from the bundled site', () => {
  it('marks the latest year of US import data provisional wherever a headline or a country page shows it', async () => {
    const latest = Math.max(...(await bundledCsv('us_imports_by_partner_hs6.csv')).map((r) => Number(r.year)));
    const index = await readFile(join(site, 'index.html'), 'utf8');
    const importWhens = [...index.matchAll(/id="headline-[\w-]+-us-imports-china">[\s\S]*?<\/article>/g)].flatMap((m) =>
      [...m[0].matchAll(/<span class="when">([^<]*)<\/span>/g)].map((w) => w[1]),
    );
    expect(importWhens.length).toBeGreaterThan(0);
    for (const when of importWhens) expect(when).toContain(`${latest} (provisional)`);
    const claims = await readPage('claims.html');
    expect(claims).toMatch(
      new RegExp(`sector basket, which adds permanent magnets[^()]*\\(${latest} \\(provisional\\)\\)`),
    );
    const taiwan = await readPage('countries/TWN.html');
    expect(taiwan).toMatch(new RegExp(`Taiwan supplied [\\d.]+% of US imports of .*? in ${latest} \\(provisional\\)`));
    for (const iso3 of ['CHN', 'TWN']) {
      const led = /<section aria-labelledby="led">[\s\S]*?<\/section>/.exec(
        await readFile(join(site, 'countries', `${iso3}.html`), 'utf8'),
      )![0];
      const years = [...led.matchAll(/<tr><td>[\s\S]*?<\/td><td>[^<]*<\/td><td>([^<]*)<\/td>/g)].map((m) => m[1]);
      expect(years.length).toBeGreaterThan(0);
      for (const y of years) expect(y === `${latest} (provisional)` || Number(y) < latest, `${iso3}: ${y}`).toBe(true);
    }
  });

  it('shows a USGS estimate with “(est.)” on the overview cards and the country pages', async () => {
    const estimated = (await bundledCsv('rare_earths.csv')).filter(
      (r) => r.indicator === 'mine_production' && r.source_id === 'USGS_MCS2026_REE' && r.geo === 'CHN',
    );
    const year = Math.max(...estimated.map((r) => Number(r.year)));
    expect(estimated.find((r) => Number(r.year) === year)!.qualifier).toBe('e');
    const index = await readFile(join(site, 'index.html'), 'utf8');
    const card = /id="headline-rare_earths-rare_earths-mine_production">([\s\S]*?)<\/article>/.exec(index)![1];
    expect(card).toContain(`<span class="when">China, ${year} (est.)</span>`);
    const china = await readPage('countries/CHN.html');
    expect(china).toMatch(new RegExp(`Rare earths mine production ${year} \\(est\\.\\) \\d`));
  });

  it('shows a USGS estimate with “(est.)” inside the production chart: hover text, year axis and its data table', async () => {
    const estimated = (await bundledCsv('rare_earths.csv')).filter(
      (r) => r.indicator === 'mine_production' && r.source_id === 'USGS_MCS2026_REE' && r.geo === 'CHN' && r.year,
    );
    const year = Math.max(...estimated.map((r) => Number(r.year)));
    expect(estimated.find((r) => Number(r.year) === year)!.qualifier).toBe('e');
    const page = await readFile(join(site, 'production/rare_earths.html'), 'utf8');
    const figure = /<figure class="chart" id="production-rare_earths-mine-production"[\s\S]*?<\/figure>/.exec(page)![0];
    expect(figure).toMatch(new RegExp(`<title>Year: ${year} \\(est\\.\\); Share: \\d+%; Country: China; `));
    expect(figure).toMatch(new RegExp(`<text[^>]*>${year} \\(est\\.\\)</text>`));
    const table = /<details class="chart-data">[\s\S]*?<\/details>/.exec(figure)![0];
    expect(table).toMatch(new RegExp(`<tr><td>${year} \\(est\\.\\)</td><td>CHN</td><td>China</td>`));
    // The CSV keeps the year as a number and the flag as a column of its own.
    const csv = parseCsv(await readFile(join(site, 'data/production-rare_earths-mine-production.csv'), 'utf8'));
    expect(csv.find((r) => r.geo_iso3 === 'CHN' && r.year === String(year))!.is_estimate).toBe('true');
  });

  it('shows a CR3 computed from estimates with “(est.)”: the concentration table, the CR3 chart’s bars and hover text', async () => {
    const estimated = (await bundledCsv('rare_earths.csv')).filter(
      (r) => r.indicator === 'mine_production' && r.source_id === 'USGS_MCS2026_REE' && r.year,
    );
    const year = Math.max(...estimated.map((r) => Number(r.year)));
    expect(estimated.filter((r) => Number(r.year) === year).some((r) => r.qualifier === 'e')).toBe(true);
    const earlier = Math.min(...estimated.map((r) => Number(r.year)));
    expect(estimated.filter((r) => Number(r.year) === earlier).some((r) => r.qualifier === 'e')).toBe(false);
    const page = await readFile(join(site, 'production/rare_earths.html'), 'utf8');
    const section = /<section aria-labelledby="cr3">[\s\S]*?<\/section>/.exec(page)![0];
    const years = (measure: string) =>
      [...section.matchAll(new RegExp(`<tr><td>mining</td><td>${measure}</td><td>([^<]*)</td>`, 'g'))].map((m) => m[1]);
    const mine = years('Rare earths mine production');
    expect(mine).toContain(`${year} (est.)`);
    expect(mine).toContain(String(earlier));
    expect(mine).not.toContain(String(year));
    // The sector's CR3 chart: each series in its latest year, labelled and hovered as an estimate.
    const sector = await readFile(join(site, 'sectors/rare_earths.html'), 'utf8');
    const chart = /<figure class="chart" id="sector-rare_earths-cr3"[\s\S]*?<\/figure>/.exec(sector)![0];
    expect(chart).toMatch(new RegExp(`<title>[^<]*Rare earths mine production, ${year} \\(est\\.\\)[^<]*</title>`));
    const csv = parseCsv(await readFile(join(site, 'data/sector-rare_earths-cr3.csv'), 'utf8'));
    const row = csv.find((r) => r.series.startsWith('Rare earths mine production'))!;
    expect([row.year, row.is_estimate]).toEqual([String(year), 'true']);
  });

  it('draws the chips capacity series of every source in one chart of capacity share by region, first on the page', async () => {
    const page = await readFile(join(site, 'production/chips.html'), 'utf8');
    const ids = [...page.matchAll(/<figure class="chart" id="([^"]+)"/g)].map((m) => m[1]);
    expect(ids[0]).toBe('production-chips-capacity');
    expect(ids.filter((id) => /-(fab|wafer)-capacity/.test(id))).toEqual([]);
    const csv = parseCsv(await readFile(join(site, 'data/production-chips-capacity.csv'), 'utf8'));
    const capacity = (await bundledCsv('semiconductor_fab_capacity_share.csv')).filter((r) =>
      ['fab_capacity_share', 'wafer_capacity_share_icinsights'].includes(r.indicator),
    );
    // Every drawn figure is a bundled figure of one of the two measures, of the source it names.
    for (const r of csv)
      expect(
        capacity.some(
          (c) =>
            c.indicator === r.measure &&
            c.source_id === r.source_id &&
            c.geo === r.geo_iso3 &&
            c.year.slice(0, 4) === r.year && // "2019-12": the year the period ends in
            Number(c.value) / 100 === Number(r.share),
        ),
        JSON.stringify(r),
      ).toBe(true);
    expect(new Set(csv.map((r) => r.measure))).toEqual(
      new Set(['fab_capacity_share', 'wafer_capacity_share_icinsights']),
    );
    expect(new Set(csv.map((r) => r.geo_iso3))).toEqual(new Set(['USA', 'CHN', 'JPN', 'TWN', 'KOR']));
  });

  it('says how far each source’s data reach without counting projections as data', async () => {
    const quality = await readFile(join(site, 'data-quality.html'), 'utf8');
    const coverage = /<section aria-labelledby="coverage">[\s\S]*?<\/section>/.exec(quality)![0];
    const reach = [...coverage.matchAll(/<td>([^<]*)<\/td><\/tr>/g)].map((m) => m[1]);
    const footer = /production and capacity figures through (\d{4})/.exec(quality)![1];
    const [, tradeThrough] = /trade through (\d{4})/.exec(quality)!;
    const lastObserved = Math.max(Number(footer), Number(tradeThrough));
    expect(reach.length).toBeGreaterThan(30);
    for (const cell of reach) {
      const first = /^(\d{4})/.exec(cell);
      if (first) expect(Number(first[1]), cell).toBeLessThanOrEqual(lastObserved);
    }
    const projectionOnly = (await bundledCsv('semiconductor_fab_capacity_share.csv')).filter(
      (r) => r.source_id === 'HINETWORK_2024',
    );
    expect(projectionOnly.every((r) => /projection|2032/.test(r.indicator + r.year))).toBe(true);
    const row = /<tr><td><a href="[^"]*#src-HINETWORK_2024">[\s\S]*?<\/tr>/.exec(coverage)![0];
    expect(row).toContain('projections only');
  });

  it('names products in plain words from the basket, with the HS wording kept for analysts on the product page', async () => {
    const basketRows = await referenceCsv('basket.csv');
    const reworded = basketRows.filter((r) => !r.label.includes(r.hs_wording));
    expect(reworded.map((r) => r.hs6)).toEqual(expect.arrayContaining(['848640', '854140']));
    const pages = await sitePages(site);
    const texts = new Map(await Promise.all(pages.map(async (p) => [p, await readPage(p)] as const)));
    for (const r of reworded) {
      const own = `products/${r.hs6}.html`;
      if (!texts.has(own)) continue;
      expect(texts.get(own)).toContain(`${r.label} HS ${r.hs6}`);
      expect(texts.get(own)).toContain(`own words (shortened): ${r.hs_wording}.`);
      const elsewhere = pages.filter((p) => p !== own && texts.get(p)!.includes(r.hs_wording));
      expect(elsewhere, `${r.hs6} “${r.hs_wording}”`).toEqual([]);
    }
  });

  it('tells the reader on the Taiwan page that Comtrade publishes Taiwan as partner 490', async () => {
    const taiwan = (await referenceCsv('countries.csv')).find((r) => r.iso3 === 'TWN')!;
    expect(taiwan.comtrade_code).toBe('490');
    const page = await readPage('countries/TWN.html');
    expect(page).toContain(taiwan.note.replace(/\s+/g, ' '));
    expect(await readFile(join(site, 'countries', 'TWN.html'), 'utf8')).toContain(`#src-${taiwan.source_id}`);
  });

  it('names the third-party mart wherever its Comtrade figures are cited', async () => {
    const cited: string[] = [];
    for (const page of await sitePages(site)) {
      const markup = await readFile(join(site, page), 'utf8');
      for (const m of markup.matchAll(/<a href="[^"]*#src-AKASHOK1_COMTRADE">([^<]*)<\/a>/g))
        cited.push(`${page}: ${m[1]}`);
    }
    expect(cited.length).toBeGreaterThan(20);
    expect(cited.filter((c) => !c.includes('via akashok1/semiconductor-rare-earth-supply-chain-risk'))).toEqual([]);
  });

  it('gives every source its licence or says none is stated, its access date from the citation record, and a text to cite it by', async () => {
    const markup = await readFile(join(site, 'sources.html'), 'utf8');
    const entries = [...markup.matchAll(/<div class="source" id="src-([^"]+)">([\s\S]*?)<\/div>/g)];
    expect(entries.length).toBeGreaterThan(40);
    const builtOn = /In this lake since: (\d{4}-\d{2}-\d{2})/.exec(markup)![1];
    for (const [, id, entry] of entries) {
      const text = readerText(entry).replace(/\s+/g, ' ');
      expect(text, id).not.toContain('Retrieved: landed');
      expect(text, id).toMatch(/Licence: (?:[^.]+|not stated in the citation record; cite the source as below)\./);
      const citation = readerText(/<p class="citation">([\s\S]*?)<\/p>/.exec(entry)![1]).trim();
      expect(text, id).toContain(`Cite this source: ${citation.replace(/[.\s]+$/, '')}`);
      const accessed = /Accessed: (\d{4}-\d{2}-\d{2})/.exec(text)?.[1];
      if (accessed) expect(accessed, `${id}: the build date is not an access date`).not.toBe(builtOn);
    }
    const sourcesMd = await readFile(join(BUNDLED, 'SOURCES.md'), 'utf8');
    const monthly = /\| COMTRADE_MONTHLY_USA_CHN \|[^\n]*fetched it on (\d{4}-\d{2}-\d{2})/.exec(sourcesMd)![1];
    const entry = entries.find(([, id]) => id === 'COMTRADE_MONTHLY_USA_CHN')![2];
    expect(readerText(entry)).toContain(`Accessed: ${monthly}.`);
    expect(readerText(entry)).toContain(`(accessed ${monthly})`);
  });

  it('states the caveats that change a conclusion: origin is the assembly country, chips come inside goods, mine output is not refining', async () => {
    const semis = (await referenceCsv('basket.csv')).filter((r) => r.sector === 'semiconductors').map((r) => r.hs6);
    for (const page of ['sectors/semiconductors.html', ...semis.map((hs6) => `products/${hs6}.html`)]) {
      const text = await readPage(page);
      expect(text, page).toContain('last substantially transformed');
      expect(text, page).toContain('inside finished goods');
    }
    const stages = (await bundledCsv('ev_batteries_and_minerals.csv')).filter((r) => /refin/i.test(r.indicator));
    expect(stages).toEqual([]);
    const index = await readFile(join(site, 'index.html'), 'utf8');
    const cobalt = /id="headline-ev_batteries-cobalt-mine_production">([\s\S]*?)<\/article>/.exec(index)![1];
    expect(readerText(cobalt)).toContain('these data hold no cobalt refining figures');
  });
});
