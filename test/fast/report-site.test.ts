import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSiteFolder } from '../../src/cli/site-folder-build.ts';
import { buildSite } from '../../src/core/report/build-site.ts';
import { SITE_MARKER } from '../../src/adapters/link-site-pointer/site-folder.ts';
import { QueryError, StoreError } from '../../src/core/errors.ts';
import { DuckDBQueryEngine } from '../../src/adapters/duckdb-engine/duckdb-engine.ts';
import type { QueryEngine } from '../../src/core/seams/query-engine.ts';
import { reportSqlFiles } from '../../src/core/sql/report-sql.ts';
import { allTables } from '../../data-schemas/index.ts';
import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';
import {
  ALLY_EXPORT_PRODUCT,
  ALLY_EXPORT_YEAR,
  ALLY_EXPORTS,
  computeMetrics,
  fixtureLake,
  IMG_NAME,
  QUARANTINE_REASONS,
  RUN_ID,
  SCRIPT_NAME,
  writeFixtureLake,
  writeRunHistory,
  type FixtureLake,
} from '../fixtures/report/fixture-lake.ts';
import { parseCsv } from '../fixtures/report/read-csv.ts';
import { FIXTURE_SITE_BUILT_AT, FIXTURE_SITE_MONTH, fixtureSite } from '../support/fixture-site.ts';
import { copyOfFixture } from '../support/shared-fixture.ts';
import { withoutSiteScripts } from '../support/site-text.ts';
import { scaled } from '../support/slowdown.ts';

const BUILT_AT = FIXTURE_SITE_BUILT_AT;
const MONTH = FIXTURE_SITE_MONTH;
let work: string;
let site: string;

async function filesOf(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort();
}

const read = (path: string) => readFile(join(site, path), 'utf8');
/** A trade year as pages show it: the fixture's latest annual year of US imports is provisional. */
const tradeYear = (year: number) => {
  const annual = fixtureLake().tradeFlows.filter((f) => f.reporter_iso3 === 'USA' && f.flow === 'M' && f.month === 0);
  return year === Math.max(...annual.map((f) => f.year)) ? `${year} (provisional)` : String(year);
};

async function buildFixture(name: string, lake: FixtureLake = fixtureLake()): Promise<string> {
  const store = new FolderObjectStore(join(work, `${name}-lake`));
  await writeFixtureLake(store, lake);
  const out = join(work, `${name}-site`);
  await buildSiteFolder({ store, outDir: out, builtAt: BUILT_AT });
  return out;
}

/** The pages of one copy of the release (the root), leaving out `latest/` and `releases/`. */
const rootPages = async (dir: string) =>
  (await filesOf(dir)).filter((f) => f.endsWith('.html') && !f.startsWith('latest/') && !f.startsWith('releases/'));

interface Figure {
  page: string;
  id: string;
  markup: string;
}

async function figuresOf(page: string): Promise<Figure[]> {
  const html = await read(page);
  return [...html.matchAll(/<figure class="chart" id="([^"]+)"[^>]*>([\s\S]*?)<\/figure>/g)].map((m) => ({
    page,
    id: m[1],
    markup: m[2],
  }));
}

/** Resolve a page-relative link to a site path. */
const resolveLink = (page: string, href: string) =>
  posix.normalize(posix.join(posix.dirname(page), href.split('#')[0]));

// The fixture lake's site (with its run history), built once and shared read-only (test/support/fixture-site.ts);
// the failed builds work on a copy.
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'chainwatch-report-'));
  ({ site } = await fixtureSite());
}, scaled(150_000));

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('report site from a fixture lake', () => {
  it('has the overview, sector, product, top-supplier country and production pages, and the claims, dependency screen, changes, methodology, data-quality and sources pages', async () => {
    const lake = fixtureLake();
    const imports = lake.tradeFlows.filter((f) => f.reporter_iso3 === 'USA' && f.flow === 'M');
    const hs6 = [...new Set(imports.map((f) => f.hs6))].sort();
    const sectors = [...new Set([...lake.basket.map((b) => b.sector), ...lake.production.map((p) => p.sector)])].sort();
    const leaders = [
      ...new Set(
        computeMetrics(lake)
          .supplierShares.filter((s) => s.rank === 1)
          .map((s) => s.partner_iso3),
      ),
    ].sort();
    const pages = await rootPages(site);
    const fixed = [
      'index.html',
      'claims.html',
      'screen.html',
      'changes.html',
      'methodology.html',
      'data-quality.html',
      'sources.html',
      'data.html',
      'products/index.html',
      'countries/index.html',
      'production/index.html',
    ];
    const expected = [
      ...fixed,
      ...hs6.map((h) => `products/${h}.html`),
      ...sectors.map((s) => `sectors/${s}.html`),
      ...leaders.map((c) => `countries/${c}.html`),
    ];
    // Production pages: the commodities with a world-share series (mine production, fab capacity).
    expect(pages.filter((p) => p.startsWith('production/') && p !== 'production/index.html')).toEqual([
      'production/chips.html',
      'production/rare_earths.html',
    ]);
    expect(pages.filter((p) => !p.startsWith('production/')).sort()).toEqual(
      expected.filter((p) => !p.startsWith('production/')).sort(),
    );
    // A basket product without trade rows gets no page.
    expect(pages).not.toContain('products/284610.html');
  });

  it('writes the release three times: releases/<month>/, latest/ and the site root, the same files framed for each', async () => {
    const files = await filesOf(site);
    // The build folder's marker (src/adapters/link-site-pointer/site-folder.ts) is the local folder's, not the
    // release's; the SQL console's files are the site's, once, for every release's Data page.
    const root = files.filter(
      (f) => !f.startsWith('latest/') && !f.startsWith('releases/') && !f.startsWith('console/') && f !== SITE_MARKER,
    );
    expect(files.filter((f) => f.startsWith('console/'))).toContain('console/data-console.js');
    const under = (prefix: string) => files.filter((f) => f.startsWith(prefix)).map((f) => f.slice(prefix.length));
    expect(under('latest/')).toEqual(root);
    expect(under(`releases/${MONTH}/`)).toEqual(root);
    expect(files).toContain('releases/index.json');
    expect(files).toContain('releases/index.html');
    for (const f of root.filter((f) => !f.endsWith('.html'))) {
      expect(await read(`latest/${f}`), f).toBe(await read(f));
      expect(await read(`releases/${MONTH}/${f}`), f).toBe(await read(f));
    }
    // Pages differ only in the footer: the release copy says it is permanent and links to latest.
    const strip = (page: string) => page.replace(/<footer[\s\S]*<\/footer>/, '');
    expect(strip(await read(`releases/${MONTH}/products/280530.html`))).toBe(strip(await read('products/280530.html')));
    expect(await read('products/280530.html')).toContain(
      `href="../releases/${MONTH}/products/280530.html">releases/${MONTH}/products/280530.html</a>`,
    );
    expect(await read(`releases/${MONTH}/products/280530.html`)).toContain(
      'href="../../../latest/products/280530.html">Latest release</a>',
    );
    // No build time: the index, like every file, is decided by the lake alone.
    expect(JSON.parse(await read('releases/index.json'))).toEqual({ releases: [{ month: MONTH }] });
  });

  it('draws every chart as SVG with an aria-label, with a CSV of exactly the drawn rows and the spec beside it', async () => {
    const figures = (await Promise.all((await rootPages(site)).map(figuresOf))).flat();
    expect(figures.length).toBeGreaterThanOrEqual(8);
    for (const fig of figures) {
      const svgs = [...fig.markup.matchAll(/<svg [^>]*aria-label="([^"]+)"[^>]*>/g)];
      expect(svgs, fig.id).toHaveLength(2); // wide and narrow renderings
      for (const svg of svgs) {
        expect(svg[1].length, fig.id).toBeGreaterThan(20);
        expect(svg[0]).toMatch(/viewBox="0 0 [\d.]+ [\d.]+"/);
        expect(svg[0]).not.toMatch(/\s(width|height)="/);
      }
      const csvHref = /<a href="([^"]+\.csv)" download>CSV<\/a>/.exec(fig.markup)![1];
      const jsonHref = /<a href="([^"]+\.json)">JSON<\/a>/.exec(fig.markup)![1];
      const specHref = /<a href="([^"]+\.vl\.json)">/.exec(fig.markup)![1];
      expect(resolveLink(fig.page, csvHref)).toBe(`data/${fig.id}.csv`);
      const csv = parseCsv(await read(resolveLink(fig.page, csvHref)));
      const spec = JSON.parse(await read(resolveLink(fig.page, specHref)));
      // The JSON download: the same rows as the CSV, with the chart's sources and SQL files.
      const json = JSON.parse(await read(resolveLink(fig.page, jsonHref)));
      expect(
        json.rows.map((r: Record<string, unknown>) =>
          Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null ? '' : String(v)])),
        ),
      ).toEqual(csv);
      const sqlHrefs = [...fig.markup.matchAll(/<a href="([^"]+\.sql)"><code>([\w]+)\.sql<\/code><\/a>/g)];
      expect(sqlHrefs.length, fig.id).toBeGreaterThan(0);
      expect(sqlHrefs.map((m) => resolveLink(fig.page, m[1]))).toEqual(json.sql);
      for (const [, href, table] of sqlHrefs)
        expect(await read(resolveLink(fig.page, href))).toBe(
          await readFile(join('sql/metrics', `${table}.sql`), 'utf8'),
        );
      // As of: the last year of the chart's sources, and the release.
      const through = Math.max(...json.sources.flatMap((s: { years: number[] }) => s.years));
      expect(fig.markup).toContain(`As of: data through ${through}, release ${MONTH}.`);
      expect(spec.description.length).toBeGreaterThan(20);
      expect(spec.title.text.join(' ').length).toBeGreaterThan(5);
      // The data the spec draws (a layer may add constant reference bands, which are not data).
      const datasets = [spec.data, ...(spec.layer ?? []).map((l: { data?: unknown }) => l.data)].filter(Boolean) as {
        values: Record<string, unknown>[];
      }[];
      const drawn = datasets.find(
        (d) =>
          d.values.length >= csv.length && Object.keys(d.values[0] ?? {}).join() === Object.keys(csv[0] ?? {}).join(),
      );
      expect(drawn, `${fig.id}: no dataset equals the CSV`).toBeDefined();
      // The CSV's rows first; after them only gaps: a year without a figure inside a line's span, with a
      // null value (the line breaks there), in a year that series has no figure for.
      const [figures, gaps] = [drawn!.values.slice(0, csv.length), drawn!.values.slice(csv.length)];
      expect(
        figures.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null ? '' : String(v)]))),
      ).toEqual(csv);
      for (const gap of gaps) {
        const value = Object.keys(gap).find((k) => gap[k] === null);
        expect(value, `${fig.id}: a row beyond the CSV that is not a gap: ${JSON.stringify(gap)}`).toBeDefined();
        const sameSeries = (r: Record<string, unknown>) =>
          Object.keys(gap).every((k) => k === 'year' || k === value || String(r[k] ?? '') === String(gap[k] ?? ''));
        expect(
          csv.some((r) => sameSeries(r) && r.year === String(gap.year)),
          `${fig.id}: gap over a figure`,
        ).toBe(false);
      }
      // Vega-Lite gives each bar and point its own ARIA description: the wide SVG draws one mark per CSV row.
      const wide = /<div class="chart-wide">([\s\S]*?)<\/div>/.exec(fig.markup)![1];
      const marks = wide.match(/aria-roledescription="(bar|point)"/g) ?? [];
      expect(marks.length, fig.id).toBe(csv.length);
    }
  });

  it('names the takeaway and the source with its years in every figure caption', async () => {
    const figures = (
      await Promise.all(
        ['products/280530.html', 'production/rare_earths.html', 'sectors/rare_earths.html', 'countries/CHN.html'].map(
          figuresOf,
        ),
      )
    ).flat();
    expect(figures.length).toBeGreaterThanOrEqual(6);
    for (const fig of figures) {
      expect(fig.markup).toMatch(/<p class="takeaway">[^<]{20,}<\/p>/);
      expect(fig.markup).toMatch(
        /Source: <a href="\.\.\/sources\.html#src-[A-Z0-9_]+">[^<]+<\/a> \((\d{4}|\d{4}–\d{4})\)/,
      );
      expect(fig.markup).toMatch(/<details class="chart-data"><summary>Data table/);
    }
  });

  it('escapes hostile partner names everywhere: tables, legends, aria-labels, quarantine reasons, feeds', async () => {
    const pages = (await filesOf(site)).filter((f) => f.endsWith('.html') || f.endsWith('.xml'));
    for (const page of pages) {
      const html = withoutSiteScripts(page, await read(page));
      expect(html, page).not.toContain(SCRIPT_NAME);
      expect(html, page).not.toContain(IMG_NAME);
      // No active element and no event-handler attribute inside any tag (escaped text is inert).
      expect(html, page).not.toMatch(/<script|<img|<iframe|<object|<embed|<[a-z][^>]*\son\w+=/i);
    }
    const product = await read('products/280530.html');
    expect(product).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(product).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    // In the supplier table and in the chart (the latest year has both names).
    expect(product.match(/&lt;script&gt;alert\(1\)&lt;\/script&gt;/g)!.length).toBeGreaterThanOrEqual(3);
    const sources = await read('sources.html');
    expect(sources).toContain('&lt;b&gt;bold&lt;/b&gt;');
    expect(sources).not.toContain('href="javascript:');
    expect(await read('data-quality.html')).toContain(
      'year &quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot; is not a whole number',
    );
  });

  it('loads nothing from outside the site, and every internal link resolves to a file', async () => {
    const files = await filesOf(site);
    for (const page of files.filter((f) => f.endsWith('.html'))) {
      const html = await read(page);
      for (const m of html.matchAll(/<(\w+)\s[^>]*?\b(src|href)="([^"]*)"/g)) {
        const [, tag, attr, url] = m;
        if (/^(https?:)?\/\//i.test(url)) {
          // Citation links may point at the source; nothing else may reach another host.
          expect(`${tag} ${attr}`, `${page}: ${url}`).toBe('a href');
          continue;
        }
        // The one inline resource: the icon, an SVG data URL (the CSP allows data: images), so no favicon.ico is fetched.
        if (url.startsWith('data:')) {
          expect(`${tag} ${url.slice(0, 19)}`, page).toBe('link data:image/svg+xml,');
          continue;
        }
        expect(url, page).not.toMatch(/^[a-z][a-z0-9+.-]*:/i);
        if (url.startsWith('#')) continue;
        expect(files, `${page} links to ${url}`).toContain(resolveLink(page, url));
      }
      for (const m of html.matchAll(/href="([^"]*sources\.html)#([\w-]+)"/g))
        expect(await read(resolveLink(page, m[1])), `${page} → ${m[0]}`).toContain(`id="${m[2]}"`);
      // Inline SVG references only its own defs.
      for (const m of html.matchAll(/url\(([^)]*)\)/g)) expect(m[1], page).toMatch(/^#/);
    }
    const css = await read('assets/site.css');
    expect(css).not.toMatch(/@import|url\(/);
  });

  it('shows HHI, CR1 and China share equal to a recomputation from the product’s supplier CSV', async () => {
    const lake = fixtureLake();
    for (const hs6 of [...new Set(lake.tradeFlows.filter((f) => f.flow === 'M').map((f) => f.hs6))]) {
      const page = await read(`products/${hs6}.html`);
      const rows = parseCsv(await read(`data/product-${hs6}-suppliers.csv`));
      const year = Math.max(...rows.map((r) => Number(r.year)));
      const cell = rows
        .filter((r) => Number(r.year) === year)
        .map((r) => ({ iso3: r.partner_iso3, value: Number(r.value_usd) }));
      // The CSV holds exactly the fixture's supplier countries (aggregates excluded).
      const flows = lake.tradeFlows.filter(
        (f) => f.hs6 === hs6 && f.year === year && f.flow === 'M' && !f.partner_is_aggregate,
      );
      expect(cell.map((c) => c.iso3).sort()).toEqual(flows.map((f) => f.partner_iso3).sort());
      const total = cell.reduce((s, c) => s + c.value, 0);
      const expected = {
        hhi: cell.reduce((s, c) => s + (c.value / total) ** 2, 0),
        cr1: Math.max(...cell.map((c) => c.value)) / total,
        china_share: (cell.find((c) => c.iso3 === 'CHN')?.value ?? 0) / total,
      };
      for (const [metric, value] of Object.entries(expected)) {
        const shown = new RegExp(`data-metric="${metric}"><data value="([^"]+)">`).exec(page);
        expect(shown, `${hs6} ${metric}`).not.toBeNull();
        expect(Number(shown![1])).toBeCloseTo(value, 12);
      }
      expect(page).toContain(`<h2 id="key-figures">Key figures, ${tradeYear(Number(year))}</h2>`);
    }
  });

  it('notes Taiwan’s 490 mapping and the gaps of a sector', async () => {
    const chips = await read('products/854231.html');
    expect(chips).toContain('“Other Asia, nes” (partner code 490)');
    expect(chips).not.toContain('Partner groups'); // the groups are defined for every fixture year
    const medical = await read('sectors/medical_supplies.html');
    expect(medical).toContain('What the data does not cover');
    expect(medical).toContain('Made-up textile articles incl. face masks (HS 630790)');
    // The secondary sources by their short citation, never by id.
    expect(medical).toMatch(/were seen only in a secondary restatement: [^<_]+; [^<_]+\.<\/li>/);
    expect(medical).not.toMatch(/restatement: [^<]*BOWN_JAPANTIMES_2020/);
    expect(medical).toMatch(/<details open><summary>3 published figures<\/summary>/);
    expect(medical).toContain('<data value="48">48.0%</data>');
  });

  it('lists every cited source once with its full citation and the pages that use it', async () => {
    const sources = await read('sources.html');
    const ids = [...sources.matchAll(/<div class="source" id="src-([\w-]+)">/g)].map((m) => m[1]);
    expect(ids).toEqual([
      'AKASHOK1_COMTRADE',
      'BCG_2020_WEB',
      'BOWN_JAPANTIMES_2020',
      'DIGITIMES_2020',
      'FORBES_2020',
      'FT_2021',
      'HUNCHMAG_2021',
      'SCMP_PANJIVA_2020',
      'SEED_ARTICLE_2021',
      'USGS_MCS2025_REE',
    ]);
    expect(sources).toContain('U.S. Geological Survey, Mineral Commodity Summaries 2025, &quot;Rare Earths&quot;');
    const comtrade = /<div class="source" id="src-AKASHOK1_COMTRADE">([\s\S]*?)<\/div>/.exec(sources)![1];
    expect(comtrade).toContain('href="products/280530.html"');
    expect(comtrade).toContain('href="products/854231.html"');
    // When the run manifest says the source's rows were landed: a lake date, not an access date.
    expect(comtrade).toContain(
      `In this lake since: 2026-01-31, landed by the <code>bundled</code> source (run ${RUN_ID})`,
    );
    expect(comtrade).toContain('Accessed: not recorded in the citation record');
    const secondary = /<div class="source" id="src-FORBES_2020">([\s\S]*?)<\/div>/.exec(sources)![1];
    expect(secondary).toContain('Licence: not stated in the citation record; cite the source as below.');
  });

  it('gives each country one colour across charts, distinct within a chart, grey only for all other countries', async () => {
    const specs = (await filesOf(site)).filter((f) => /-partners\.vl\.json$/.test(f));
    const colourOf = new Map<string, string>();
    for (const file of specs) {
      const spec = JSON.parse(await read(file));
      const { domain, range } = spec.encoding.color.scale as { domain: string[]; range: string[] };
      expect(domain.at(-1)).toBe('All other countries');
      expect(new Set(range.slice(0, -1)).size).toBe(range.length - 1);
      expect(range.slice(0, -1)).not.toContain(range.at(-1));
      domain.slice(0, -1).forEach((name, i) => {
        expect(colourOf.get(name) ?? range[i], name).toBe(range[i]);
        colourOf.set(name, range[i]);
      });
    }
    expect(colourOf.get('China')).toBeDefined();
  });

  it('writes the same bytes from the same lake in the same month, whatever the clock says (release index included)', async () => {
    const store = new FolderObjectStore(join(work, 'again-lake'));
    await writeFixtureLake(store);
    await writeRunHistory(store);
    const again = join(work, 'again-site');
    await buildSiteFolder({ store, outDir: again, builtAt: new Date('2026-02-27T23:59:00Z') });
    const a = await filesOf(site);
    expect(await filesOf(again)).toEqual(a);
    // Compared by digest: the SQL console's WebAssembly is tens of MB.
    const digest = async (dir: string, f: string) =>
      createHash('sha256')
        .update(await readFile(join(dir, f)))
        .digest('hex');
    for (const f of a) expect(await digest(again, f), f).toBe(await digest(site, f));
  });

  it('shows the exposure of a product: CR1 and the China share at risk, and ally cover from allied exports where the lake has them', async () => {
    const lake = fixtureLake();
    const page = await read(`products/${ALLY_EXPORT_PRODUCT}.html`);
    const year = ALLY_EXPORT_YEAR;
    const cell = lake.tradeFlows.filter(
      (f) => f.hs6 === ALLY_EXPORT_PRODUCT && f.year === year && f.flow === 'M' && !f.partner_is_aggregate,
    );
    const total = cell.reduce((s, f) => s + f.value_usd!, 0);
    const china = cell.find((f) => f.partner_iso3 === 'CHN')!.value_usd!;
    const metric = (name: string) => Number(new RegExp(`data-metric="${name}"><data value="([^"]+)">`).exec(page)![1]);
    expect(page).toContain(`<h2 id="exposure">Exposure, ${tradeYear(year)}</h2>`);
    expect(metric('risk_top')).toBeCloseTo(Math.max(...cell.map((f) => f.value_usd!)) / total, 12);
    expect(metric('risk_china')).toBeCloseTo(china / total, 12);
    // Each ally's World row when it has one, else the sum of its partner rows.
    const byReporter = new Map<string, typeof ALLY_EXPORTS>();
    for (const e of ALLY_EXPORTS) byReporter.set(e.reporter, [...(byReporter.get(e.reporter) ?? []), e]);
    const allied = [...byReporter.values()].reduce(
      (s, rows) => s + (rows.find((r) => r.partner === 'WLD')?.value ?? rows.reduce((t, r) => t + r.value, 0)),
      0,
    );
    expect(metric('ally_cover')).toBeCloseTo(allied / china, 12);
    // Another product has no export rows: the figure is declared missing, not estimated.
    const chips = await read('products/854231.html');
    expect(chips).toContain('<dd data-metric="ally_cover"><span class="missing">not available</span></dd>');
    expect(chips).toContain('Ally cover is not available in the bundled data');
  });

  it('accounts for every source on the data-quality page: rows in, landed, quarantined with reasons, stale sources', async () => {
    const page = await read('data-quality.html');
    expect(page).toContain('<h2>Stale sources</h2><p>comtrade:');
    const bundledRow = /<tr><td><code>bundled<\/code><\/td>([\s\S]*?)<\/tr>/.exec(page)![1];
    expect([...bundledRow.matchAll(/<td class="num">([^<]+)<\/td>/g)].map((m) => m[1])).toEqual([
      '40',
      '1',
      '36',
      String(QUARANTINE_REASONS.length),
      '2',
    ]);
    for (const reason of QUARANTINE_REASONS)
      expect(page).toContain(
        `<tr><td>${reason.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')}</td><td class="num">1</td></tr>`,
      );
    expect(page).toMatch(
      /<td><code>comtrade<\/code><\/td><td><span class="badge">stale<\/span><\/td><td>2025-12-31 \(period 2025-12\)<\/td><td>2026-01-31: comtrade answered 503 after 5 tries<\/td>/,
    );
    // Every page says which source is stale, not only this one.
    expect(await read('products/280530.html')).toContain('Stale: comtrade could not be refreshed');
  });

  it('gives each top-supplier country a page with its products and its share chart in its own colour', async () => {
    const page = await read('countries/TWN.html');
    expect(page).toContain('<a href="../products/854231.html">Processors and controllers (ICs)</a>');
    const spec = JSON.parse(await read('data/country-TWN-shares.vl.json'));
    const partners = JSON.parse(await read('data/product-854231-partners.vl.json'));
    const { domain, range } = partners.encoding.color.scale as { domain: string[]; range: string[] };
    expect(spec.mark.color).toBe(range[domain.indexOf('Taiwan')]);
  });

  it('explains every metric with a link to the SQL file that computes it', async () => {
    const page = await read('methodology.html');
    for (const file of await readdir('sql/metrics')) expect(page, file).toContain(`href="sql/metrics/${file}"`);
    for (const pitfall of [
      'Taiwan is “Other Asia, nes” (code 490)',
      'Aggregates are not suppliers',
      'CIF and FOB',
      'HS vintages',
    ])
      expect(page).toContain(pitfall);
    expect(page).toContain('HHI 0.25');
    expect(page).toContain('HHI 0.40');
  });
});

describe('partner groups defined after the first year of data', () => {
  it('are left out of the share chart before their first year, with a note, not drawn as zero', async () => {
    const lake = fixtureLake();
    for (const g of lake.partnerGroups) if (g.group_id === 'ALLY_2021_SC') g.valid_from = 2023;
    const out = await buildFixture('groups', lake);
    const page = await readFile(join(out, 'products/854231.html'), 'utf8');
    expect(page).toContain('Allies (AUS, JPN, KOR, TWN): defined from 2023.');
    const rows = parseCsv(await readFile(join(out, 'data/product-854231-shares.csv'), 'utf8'));
    expect(rows.filter((r) => r.measure.startsWith('Allies')).map((r) => r.year)).toEqual(['2023', '2024']);
    expect(rows.filter((r) => r.measure === 'China').map((r) => r.year)).toEqual(['2022', '2023', '2024']);
  });
});

describe('headline figures come from the lake rows', () => {
  it('shows the US capacity share and Taiwan’s wafer share with source and year', async () => {
    const index = await read('index.html');
    const us = /<article class="card" id="headline-us-fab-capacity">([\s\S]*?)<\/article>/.exec(index)![1];
    expect(us).toMatch(
      /<data value="37">37%<\/data><\/strong> <span class="when">1990<\/span>.*<data value="12">12%<\/data><\/strong> <span class="when">2020<\/span>/s,
    );
    expect(us).toContain('href="sources.html#src-BCG_2020_WEB"');
    const tw = /<article class="card" id="headline-taiwan-wafer-capacity">([\s\S]*?)<\/article>/.exec(index)![1];
    expect(tw).toMatch(/<data value="22">≈22%<\/data><\/strong> <span class="when">Dec 2019<\/span>/);
    expect(tw).toContain('href="sources.html#src-DIGITIMES_2020"');
  });

  it('changes when a fixture value changes', async () => {
    const lake = fixtureLake();
    const us2020 = lake.production.find(
      (r) =>
        r.measure === 'fab_capacity_share' && r.geo_iso3 === 'USA' && r.year === 2020 && r.source_id === 'BCG_2020_WEB',
    )!;
    us2020.value = 14.5;
    const china2024 = lake.production.find(
      (r) => r.measure === 'mine_production' && r.geo_iso3 === 'CHN' && r.year === 2024,
    )!;
    china2024.value = 300_000;
    const changed = await buildFixture('changed', lake);
    const index = await readFile(join(changed, 'index.html'), 'utf8');
    // headline figures are rounded for reading (two significant figures), the exact value beside them
    expect(index).toContain('<data value="14.5">15%</data>');
    expect(index).not.toContain('<data value="12">');
    const world2024 = lake.production
      .filter((r) => r.measure === 'mine_production' && r.year === 2024)
      .reduce((s, r) => s + r.value!, 0);
    const share = 300_000 / world2024;
    expect(index).toContain(`<data value="${share}">${Math.round(share * 100)}%</data>`);
  });
});

describe('a build into a store of its own: its writes, its sessions, its failures', () => {
  /** A copy of the shared fixture's lake and site: these builds try to replace the site. */
  let own: string;
  let ownLake: string;
  beforeAll(async () => {
    const copy = await copyOfFixture((await fixtureSite()).dir, join(work, 'base'));
    own = join(copy, 'site');
    ownLake = join(copy, 'lake');
  }, scaled(150_000));

  const snapshot = async (dir: string) =>
    Object.fromEntries(
      await Promise.all(
        (await filesOf(dir)).map(async (f) => [
          f,
          createHash('sha256')
            .update(await readFile(join(dir, f)))
            .digest('hex'),
        ]),
      ),
    );
  const leftovers = async () => (await readdir(dirname(own))).filter((f) => f.includes('.tmp-') || f.includes('.old-'));

  it('leaves the previously built site untouched and no staging folder behind', async () => {
    const before = await snapshot(own);

    /** The real folder store, failing part-way through the reads as a network store might. */
    class FailingStore extends FolderObjectStore {
      override async get(key: string): Promise<Uint8Array | undefined> {
        if (key.startsWith('_runs/')) throw new StoreError(`Could not read ${key}: connection reset`, 'Retry.');
        return super.get(key);
      }
    }
    const store = new FailingStore(ownLake);
    await expect(buildSiteFolder({ store, outDir: own, builtAt: new Date('2030-01-01T00:00:00Z') })).rejects.toThrow(
      StoreError,
    );
    expect(await snapshot(own)).toEqual(before);
    expect(await leftovers()).toEqual([]);
  });

  it('leaves the site untouched when the engine fails after pages were written', async () => {
    const before = await snapshot(own);
    const store = new FolderObjectStore(ownLake);
    const real = await DuckDBQueryEngine.create({ lakeRoot: store.root, store });
    // The real engine, failing as Athena might part-way through the build: the country pages' last query comes
    // after the product, production and sector pages are written.
    const failing = reportSqlFiles().get('country_production')!.sql;
    let written = 0;
    const engine: QueryEngine = {
      name: real.name,
      query: (sql, params) => real.query(sql, params),
      materialize: (table, sql, params) => real.materialize(table, sql, params),
      close: () => real.close(),
      async *stream(sql, params) {
        if (sql === failing) throw new QueryError('Athena query failed: connection reset', 'Retry.');
        yield* real.stream(sql, params);
      },
    };
    try {
      await expect(
        buildSiteFolder({
          store,
          engine,
          outDir: own,
          builtAt: new Date('2030-01-01T00:00:00Z'),
          onProgress: (line) => (written += /product pages/.test(line) ? 1 : 0),
        }),
      ).rejects.toThrow(QueryError);
    } finally {
      await real.close();
    }
    expect(written).toBe(1);
    expect(await snapshot(own)).toEqual(before);
    expect(await leftovers()).toEqual([]);
  });

  it('fails when a page written while later pages’ charts draw cannot be written', async () => {
    // Pages are written after their charts are drawn, while the build plans the next ones: a write that fails
    // then must still fail the build (and not just the write).
    const failing = 'latest/products/854231.html';
    const tried: string[] = [];
    class FailingStore extends FolderObjectStore {
      override async put(key: string, body: Uint8Array | string): Promise<void> {
        if (key === failing) {
          tried.push(key);
          throw new StoreError(`Could not write ${key}: disk full`, 'Free some space.');
        }
        return super.put(key, body);
      }
    }
    const store = new FolderObjectStore(ownLake);
    const engine = await DuckDBQueryEngine.create({ lakeRoot: store.root, store });
    try {
      await expect(
        buildSite({
          engine,
          store,
          out: new FailingStore(join(work, 'failing-out')),
          builtAt: new Date('2030-01-01T00:00:00Z'),
        }),
      ).rejects.toThrow(/Could not write latest\/products\/854231\.html: disk full/);
    } finally {
      await engine.close();
    }
    expect(tried).toEqual([failing]);
  });

  it('writes a page’s copies one after another, so a large page is never held framed three times', async () => {
    const events: string[] = [];
    class Store extends FolderObjectStore {
      override async put(key: string, body: Uint8Array | string): Promise<void> {
        if (posix.basename(key) !== 'screen.html') return super.put(key, body);
        events.push(`start ${key}`);
        // A slow disk: a copy started before the one before it is written would show here.
        await new Promise((resolve) => setTimeout(resolve, 50));
        await super.put(key, body);
        events.push(`end ${key}`);
      }
    }
    const store = new FolderObjectStore(ownLake);
    const engine = await DuckDBQueryEngine.create({ lakeRoot: store.root, store });
    try {
      await buildSite({ engine, store, out: new Store(join(work, 'copies-out')), builtAt: BUILT_AT });
    } finally {
      await engine.close();
    }
    const release = `releases/${FIXTURE_SITE_MONTH}/screen.html`;
    expect(events).toEqual(
      [release, 'latest/screen.html', 'screen.html'].flatMap((key) => [`start ${key}`, `end ${key}`]),
    );
  });

  /** A DuckDB session over `lake` that records what it was asked: files written, and its close. */
  async function recordedSession(lake: string, log: string[], name: string): Promise<QueryEngine> {
    const store = new FolderObjectStore(lake);
    const real = await DuckDBQueryEngine.create({ lakeRoot: store.root, store });
    return new Proxy(real, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver);
        if (key === 'close' || key === 'writeFile' || key === 'stream')
          return (...args: unknown[]) => {
            // A stream is logged with the report query it runs (sql/report/<name>.sql).
            const query =
              key === 'stream' ? ` ${[...reportSqlFiles()].find(([, f]) => f.sql === args[0])?.[0] ?? '?'}` : '';
            log.push(`${name} ${String(key)}${query}`);
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  it('writes the Data page’s tables in a session of its own, closed once they are written, also when the build fails', async () => {
    for (const failing of [false, true]) {
      const log: string[] = [];
      const engine = await recordedSession(ownLake, log, 'pages');
      class Store extends FolderObjectStore {
        override async put(key: string, body: Uint8Array | string): Promise<void> {
          if (failing && key === 'latest/products/854231.html') throw new StoreError('disk full', 'Free some space.');
          return super.put(key, body);
        }
      }
      const build = buildSite({
        engine,
        tablesSession: () => {
          log.push('tables open');
          return recordedSession(ownLake, log, 'tables');
        },
        store: new FolderObjectStore(ownLake),
        out: new Store(join(work, `own-session-${failing}`)),
        builtAt: BUILT_AT,
        onProgress: (line) => log.push(line),
      });
      try {
        if (failing) await expect(build).rejects.toThrow(/disk full/);
        else await build;
      } finally {
        await engine.close();
      }
      const tables = log.filter((l) => l.startsWith('tables '));
      // Two files a table (Parquet and CSV), all by the tables' session, which is closed once, after the last.
      const written = tables.filter((l) => l === 'tables writeFile').length;
      if (failing) expect(written).toBeGreaterThan(0);
      else expect(written).toBe(2 * allTables.length);
      expect(tables.filter((l) => l === 'tables close')).toHaveLength(1);
      expect(tables.at(-1), `failing: ${failing}`).toBe('tables close');
      expect(log.filter((l) => l === 'pages writeFile')).toEqual([]);
      // Opened once the product pages' query has its rows (their sort and the tables' COPY at once were the peak).
      // (The colour plan reads top partners before: the product pages' family starts with product_trade.)
      const productRows = log.indexOf('pages stream product_trade');
      expect(productRows).toBeGreaterThan(-1);
      expect(log.indexOf('tables open')).toBeGreaterThan(productRows);
      // Closed before the build said it was done, not when its caller ends.
      if (!failing)
        expect(log.indexOf('tables close')).toBeLessThan(log.findIndex((l) => l.startsWith('rendered release')));
    }
  });

  it('says the lake is empty and what to run when the tables are missing', async () => {
    const empty = new FolderObjectStore(join(work, 'empty-lake'));
    await expect(buildSiteFolder({ store: empty, outDir: join(work, 'empty-site') })).rejects.toThrow(
      /no rows in sources, basket, trade_flows/,
    );
  });
});
