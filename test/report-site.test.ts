import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSite } from '../reports/build-site.ts';
import { StoreError } from '../src/errors.ts';
import { FolderObjectStore } from '../src/store/folder-store.ts';
import { fixtureLake, IMG_NAME, SCRIPT_NAME, writeFixtureLake, type FixtureLake } from './fixtures/report/fixture-lake.ts';
import { parseCsv } from './fixtures/report/read-csv.ts';

const BUILT_AT = new Date('2026-02-01T06:00:00Z');
let work: string;
let site: string;

async function filesOf(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/')).sort();
}

const read = (path: string) => readFile(join(site, path), 'utf8');

async function buildFixture(name: string, lake: FixtureLake = fixtureLake()): Promise<string> {
  const store = new FolderObjectStore(join(work, `${name}-lake`));
  await writeFixtureLake(store, lake);
  const out = join(work, `${name}-site`);
  await buildSite({ store, outDir: out, builtAt: BUILT_AT });
  return out;
}

interface Figure {
  page: string;
  id: string;
  markup: string;
}

async function figuresOf(page: string): Promise<Figure[]> {
  const html = await read(page);
  return [...html.matchAll(/<figure class="chart" id="([^"]+)">([\s\S]*?)<\/figure>/g)].map((m) => ({ page, id: m[1], markup: m[2] }));
}

/** Resolve a page-relative link to a site path. */
const resolveLink = (page: string, href: string) => posix.normalize(posix.join(posix.dirname(page), href.split('#')[0]));

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'chainwatch-report-'));
  site = await buildFixture('base');
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('report site from a fixture lake', () => {
  it('has the overview, one page per sector, one per traded HS6 product, the product index and the sources page', async () => {
    const lake = fixtureLake();
    const hs6 = [...new Set(lake.tradeFlows.map((f) => f.hs6))].sort();
    const sectors = [...new Set([...lake.basket.map((b) => b.sector), ...lake.production.map((p) => p.sector)])].sort();
    const pages = (await filesOf(site)).filter((f) => f.endsWith('.html'));
    expect(pages).toEqual(
      ['index.html', 'products/index.html', 'sources.html', ...hs6.map((h) => `products/${h}.html`), ...sectors.map((s) => `sectors/${s}.html`)].sort(),
    );
    // A basket product without trade rows gets no page.
    expect(pages).not.toContain('products/284610.html');
  });

  it('draws every chart as SVG with an aria-label, with a CSV of exactly the drawn rows and the spec beside it', async () => {
    const pages = (await filesOf(site)).filter((f) => f.endsWith('.html'));
    const figures = (await Promise.all(pages.map(figuresOf))).flat();
    expect(figures.length).toBeGreaterThanOrEqual(8);
    for (const fig of figures) {
      const svgs = [...fig.markup.matchAll(/<svg [^>]*aria-label="([^"]+)"[^>]*>/g)];
      expect(svgs, fig.id).toHaveLength(2); // wide and narrow renderings
      for (const svg of svgs) {
        expect(svg[1].length, fig.id).toBeGreaterThan(20);
        expect(svg[0]).toMatch(/viewBox="0 0 [\d.]+ [\d.]+"/);
        expect(svg[0]).not.toMatch(/\s(width|height)="/);
      }
      const csvHref = /<a href="([^"]+\.csv)" download>Data \(CSV\)<\/a>/.exec(fig.markup)![1];
      const specHref = /<a href="([^"]+\.vl\.json)">/.exec(fig.markup)![1];
      expect(resolveLink(fig.page, csvHref)).toBe(`data/${fig.id}.csv`);
      const csv = parseCsv(await read(resolveLink(fig.page, csvHref)));
      const spec = JSON.parse(await read(resolveLink(fig.page, specHref)));
      expect(spec.description.length).toBeGreaterThan(20);
      expect(spec.title.text.join(' ').length).toBeGreaterThan(5);
      // The data the spec draws (a layer may add constant reference bands, which are not data).
      const datasets = [spec.data, ...(spec.layer ?? []).map((l: { data?: unknown }) => l.data)].filter(Boolean) as { values: Record<string, unknown>[] }[];
      const drawn = datasets.find((d) => d.values.length === csv.length && Object.keys(d.values[0] ?? {}).join() === Object.keys(csv[0] ?? {}).join());
      expect(drawn, `${fig.id}: no dataset equals the CSV`).toBeDefined();
      expect(drawn!.values.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null ? '' : String(v)])))).toEqual(csv);
      // Vega-Lite gives each bar and point its own ARIA description: the wide SVG draws one mark per CSV row.
      const wide = /<div class="chart-wide">([\s\S]*?)<\/div>/.exec(fig.markup)![1];
      const marks = wide.match(/aria-roledescription="(bar|point)"/g) ?? [];
      expect(marks.length, fig.id).toBe(csv.length);
    }
  });

  it('names the takeaway and the source with its years in every figure caption', async () => {
    const figures = (await Promise.all(['products/280530.html', 'sectors/rare_earths.html'].map(figuresOf))).flat();
    for (const fig of figures) {
      expect(fig.markup).toMatch(/<p class="takeaway">[^<]{20,}<\/p>/);
      expect(fig.markup).toMatch(/Source: <a href="\.\.\/sources\.html#src-[A-Z0-9_]+">[^<]+<\/a> \((\d{4}|\d{4}–\d{4})\)/);
    }
  });

  it('escapes hostile partner names everywhere: tables, legends, aria-labels', async () => {
    const pages = (await filesOf(site)).filter((f) => f.endsWith('.html'));
    for (const page of pages) {
      const html = await read(page);
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
        expect(url, page).not.toMatch(/^[a-z][a-z0-9+.-]*:/i);
        if (url.startsWith('#')) continue;
        expect(files, `${page} links to ${url}`).toContain(resolveLink(page, url));
      }
      for (const m of html.matchAll(/sources\.html#([\w-]+)"/g)) expect(await read('sources.html')).toContain(`id="${m[1]}"`);
      // Inline SVG references only its own defs.
      for (const m of html.matchAll(/url\(([^)]*)\)/g)) expect(m[1], page).toMatch(/^#/);
    }
    const css = await read('assets/site.css');
    expect(css).not.toMatch(/@import|url\(/);
  });

  it('shows HHI, CR1 and China share equal to a recomputation from the product’s supplier CSV', async () => {
    const lake = fixtureLake();
    for (const hs6 of [...new Set(lake.tradeFlows.map((f) => f.hs6))]) {
      const page = await read(`products/${hs6}.html`);
      const rows = parseCsv(await read(`data/product-${hs6}-suppliers.csv`));
      const year = Math.max(...rows.map((r) => Number(r.year)));
      const cell = rows.filter((r) => Number(r.year) === year).map((r) => ({ iso3: r.partner_iso3, value: Number(r.value_usd) }));
      // The CSV holds exactly the fixture's supplier countries (aggregates excluded).
      const flows = lake.tradeFlows.filter((f) => f.hs6 === hs6 && f.year === year && !f.partner_is_aggregate);
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
      expect(page).toContain(`<h2 id="key-figures">Key figures, ${year}</h2>`);
    }
  });

  it('notes Taiwan’s 490 mapping and the gaps of a sector', async () => {
    const chips = await read('products/854231.html');
    expect(chips).toContain('“Other Asia, nes” (partner code 490)');
    expect(chips).not.toContain('Partner groups'); // the groups are defined for every fixture year
    const medical = await read('sectors/medical_supplies.html');
    expect(medical).toContain('What the data does not cover');
    expect(medical).toContain('Made-up textile articles incl. face masks (HS 630790)');
    expect(medical).toContain('BOWN_JAPANTIMES_2020, FORBES_2020');
    expect(medical).toMatch(/<details open><summary>2 published figures<\/summary>/);
    expect(medical).toContain('<data value="48">48%</data>');
  });

  it('lists every cited source once with its full citation and the pages that use it', async () => {
    const sources = await read('sources.html');
    const ids = [...sources.matchAll(/<div class="source" id="src-([\w-]+)">/g)].map((m) => m[1]);
    expect(ids).toEqual(['AKASHOK1_COMTRADE', 'BCG_2020_WEB', 'BOWN_JAPANTIMES_2020', 'DIGITIMES_2020', 'FORBES_2020', 'FT_2021', 'USGS_MCS2025_REE']);
    expect(sources).toContain('U.S. Geological Survey, Mineral Commodity Summaries 2025, &quot;Rare Earths&quot;');
    const comtrade = /<div class="source" id="src-AKASHOK1_COMTRADE">([\s\S]*?)<\/div>/.exec(sources)![1];
    expect(comtrade).toContain('href="products/280530.html"');
    expect(comtrade).toContain('href="products/854231.html"');
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

  it('produces byte-identical sites from the same lake and build time', async () => {
    const again = await buildFixture('again');
    const a = await filesOf(site);
    expect(await filesOf(again)).toEqual(a);
    for (const f of a) expect(await readFile(join(again, f)), f).toEqual(await readFile(join(site, f)));
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
    expect(us).toMatch(/<data value="37">37%<\/data><\/strong> <span class="when">1990<\/span>.*<data value="12">12%<\/data><\/strong> <span class="when">2020<\/span>/s);
    expect(us).toContain('href="sources.html#src-BCG_2020_WEB"');
    const tw = /<article class="card" id="headline-taiwan-wafer-capacity">([\s\S]*?)<\/article>/.exec(index)![1];
    expect(tw).toMatch(/<data value="22">≈22%<\/data><\/strong> <span class="when">Dec 2019<\/span>/);
    expect(tw).toContain('href="sources.html#src-DIGITIMES_2020"');
  });

  it('changes when a fixture value changes', async () => {
    const lake = fixtureLake();
    const us2020 = lake.production.find((r) => r.measure === 'fab_capacity_share' && r.geo_iso3 === 'USA' && r.year === 2020 && r.source_id === 'BCG_2020_WEB')!;
    us2020.value = 14.5;
    const china2024 = lake.production.find((r) => r.measure === 'mine_production' && r.geo_iso3 === 'CHN' && r.year === 2024)!;
    china2024.value = 300_000;
    const changed = await buildFixture('changed', lake);
    const index = await readFile(join(changed, 'index.html'), 'utf8');
    expect(index).toContain('<data value="14.5">14.5%</data>');
    expect(index).not.toContain('<data value="12">12%</data>');
    const world2024 = lake.production.filter((r) => r.measure === 'mine_production' && r.year === 2024).reduce((s, r) => s + r.value!, 0);
    const share = 300_000 / world2024;
    expect(index).toContain(`<data value="${share}">${(share * 100).toFixed(1)}%</data>`);
  });
});

describe('a failed build', () => {
  it('leaves the previously built site untouched and no staging folder behind', async () => {
    const snapshot = async (dir: string) =>
      Object.fromEntries(await Promise.all((await filesOf(dir)).map(async (f) => [f, createHash('sha256').update(await readFile(join(dir, f))).digest('hex')])));
    const before = await snapshot(site);

    /** The real folder store, failing part-way through the reads as a network store might. */
    class FailingStore extends FolderObjectStore {
      override async get(key: string): Promise<Uint8Array | undefined> {
        if (key.startsWith('metrics/dependency/')) throw new StoreError(`Could not read ${key}: connection reset`, 'Retry.');
        return super.get(key);
      }
    }
    const store = new FailingStore(join(work, 'base-lake'));
    await expect(buildSite({ store, outDir: site, builtAt: new Date('2030-01-01T00:00:00Z') })).rejects.toThrow(StoreError);
    expect(await snapshot(site)).toEqual(before);
    expect((await readdir(dirname(site))).filter((f) => f.includes('.tmp-') || f.includes('.old-'))).toEqual([]);
  });

  it('says the lake is empty and what to run when the tables are missing', async () => {
    const empty = new FolderObjectStore(join(work, 'empty-lake'));
    await expect(buildSite({ store: empty, outDir: join(work, 'empty-site') })).rejects.toThrow(/no rows in sources, basket, trade_flows/);
  });
});
