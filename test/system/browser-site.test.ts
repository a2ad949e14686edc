/**
 * The published site in a real browser (Debian chromium driven by playwright-core): the bundled data
 * through the whole pipeline, with two country names and one product label made hostile in the
 * reference tables, served by `chainwatch serve`'s server (so the CloudFront CSP applies) and once
 * opened from disk. One build, one browser, every page visited once at each width, in two tabs (a desk and a
 * phone one) that the other checks of the served site reuse: a fresh browser context costs ~1 s of CPU, more
 * than the page it loads.
 *
 * axe-core is evaluated through the DevTools protocol, which the CSP (script-src 'self') does not govern,
 * so the pages are scanned as served. The script-injection check runs without the CSP, so it is the
 * escaping, not the policy, that keeps the script from running.
 */
import { scaled } from '../support/slowdown.ts';
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runIngest } from '../../src/core/ingest/ingest.ts';
import { bundledSource } from '../../src/core/ingest/sources/bundled.ts';
import { runMetrics } from '../../src/core/metrics/metrics.ts';
import { buildSiteFolder } from '../../src/cli/site-folder-build.ts';
import { serveSite, type SiteServer } from '../../src/cli/serve-site.ts';
import { DuckDBQueryEngine } from '../../src/adapters/duckdb-engine/duckdb-engine.ts';
import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';
import { launchChromium, watchPage as watch } from '../support/chromium.ts';

const ARTIFACTS = 'test-artifacts';
const MONTH = '2026-05';
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

const SCRIPT_NAME = '<script>alert(1)</script>';
const IMG_NAME = '"><img src=x onerror=alert(1)>';
const SCRIPT_LABEL = 'Magnets <script>alert(2)</script>';
const SCREENSHOT_PRODUCT = 'products/854231.html';
const DESK = { viewport: { width: 1280, height: 900 } };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
/**
 * The pages' one long script is axe-core, new in each document and run once there: V8's optimizing tiers
 * (Maglev, TurboFan) compile more than they save, and without them a scan takes ~25 % less CPU.
 */
const JS_FLAGS = '--js-flags=--no-opt,--no-maglev';
/** Screenshots kept in the repository (the evidence); written only when missing, so a test run leaves git clean. */
const KEPT_SCREENSHOTS = 'test/artifacts';
const KEPT_HEIGHT = 2000;
const AXE_SOURCE = readFileSync(AXE, 'utf8');

let work: string;
let site: string;
let server: SiteServer;
let browser: Browser;
let pages: string[];
let desk: Tab;
let phone: Tab;

const csvField = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** Copy the bundled data and reference tables, with hostile names where a real name was. */
async function hostileInputs(dir: string): Promise<{ dataDir: string; referenceDir: string }> {
  const dataDir = join(dir, 'bundled');
  const referenceDir = join(dir, 'reference');
  await cp('data/bundled', dataDir, { recursive: true });
  await cp('data-schemas/reference', referenceDir, { recursive: true });
  const edit = async (file: string, replace: (line: string) => string) => {
    const path = join(referenceDir, file);
    await writeFile(path, (await readFile(path, 'utf8')).split('\n').map(replace).join('\n'));
  };
  await edit('countries.csv', (l) =>
    l
      .replace(/^EST,Estonia,/, `EST,${csvField(SCRIPT_NAME)},`)
      .replace(/^RUS,Russian Federation,/, `RUS,${csvField(IMG_NAME)},`),
  );
  await edit('basket.csv', (l) =>
    l.replace(/^(rare_earths,850511,)Permanent magnets of metal,/, `$1${csvField(SCRIPT_LABEL)},`),
  );
  return { dataDir, referenceDir };
}

async function htmlPagesOf(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.html'))
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort();
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'chainwatch-browser-'));
  const lakeRoot = join(work, 'lake');
  const store = new FolderObjectStore(lakeRoot);
  await runIngest({ store, runId: 'browser-test', sources: [bundledSource(await hostileInputs(work))] });
  const engine = await DuckDBQueryEngine.create({ lakeRoot, store });
  try {
    await runMetrics({ engine });
  } finally {
    await engine.close();
  }
  site = join(work, 'site');
  await buildSiteFolder({ store, outDir: site, releaseMonth: MONTH });
  // The release as a reader meets it: every page of the root copy, the release list, and one page of each other copy.
  const all = await htmlPagesOf(site);
  pages = [
    ...all.filter((p) => !p.startsWith('latest/') && !p.startsWith('releases/')),
    'releases/index.html',
    'latest/index.html',
    `releases/${MONTH}/${SCREENSHOT_PRODUCT}`,
  ];
  server = await serveSite({ root: site });
  browser = await launchChromium([JS_FLAGS]);
  [desk, phone] = await Promise.all([openTab('1280', DESK), openTab('390', PHONE)]);
  await mkdir(ARTIFACTS, { recursive: true });
}, scaled(180_000));

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

type Width = '1280' | '390';
type ContextOptions = Parameters<Browser['newContext']>[0];

/** A page of the served site in a context of its own, open for the whole file. */
interface Tab {
  page: Page;
  /** Console errors, CSP violations, failed or outside requests, error statuses: all since the tab opened. */
  problems: string[];
  /** Go to a page of the site and wait for its load; a status other than 200 is a problem. */
  open(path: string): Promise<void>;
}

async function openTab(width: Width, options: ContextOptions): Promise<Tab> {
  const context = await browser.newContext(options);
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI}`),
    );
  });
  const page = await context.newPage();
  let path = '';
  const problems = watch(page, server.url, () => `${width} ${path}`);
  return {
    page,
    problems,
    async open(to) {
      path = to;
      const response = await page.goto(server.url + to);
      if (response?.status() !== 200) problems.push(`${width} ${to}: status ${response?.status()}`);
    },
  };
}

async function withContext<T>(options: ContextOptions, fn: (context: BrowserContext) => Promise<T>): Promise<T> {
  const context = await browser.newContext(options);
  try {
    return await fn(context);
  } finally {
    await context.close();
  }
}

describe('the site in Chromium, served with the CloudFront CSP', () => {
  it('opens and closes a chart’s data table', async () => {
    await desk.open(SCREENSHOT_PRODUCT);
    const details = desk.page.locator('figure.chart details.chart-data').first();
    const table = details.locator('table');
    expect(await table.isVisible()).toBe(false);
    await details.locator('summary').click();
    expect(await table.isVisible()).toBe(true);
    expect(await details.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
    expect(await table.locator('tbody tr').count()).toBeGreaterThan(0);
    await details.locator('summary').click();
    expect(await table.isVisible()).toBe(false);
  });

  it('writes screenshots of the overview and a product page', async () => {
    await desk.open('index.html');
    await desk.page.screenshot({ path: join(ARTIFACTS, 'overview.png'), fullPage: true });
    await desk.open(SCREENSHOT_PRODUCT);
    await desk.page.screenshot({ path: join(ARTIFACTS, 'product-854231.png'), fullPage: true });
    await phone.open(SCREENSHOT_PRODUCT);
    expect(await phone.page.locator('.chart-narrow svg').first().isVisible()).toBe(true);
    expect(await phone.page.locator('.chart-wide svg').first().isVisible()).toBe(false);
    await phone.open('index.html');
    await phone.page.screenshot({ path: join(ARTIFACTS, 'overview-phone.png'), fullPage: true });
    for (const file of ['overview.png', 'product-854231.png', 'overview-phone.png'])
      expect((await readFile(join(ARTIFACTS, file))).subarray(1, 4).toString()).toBe('PNG');
  });

  it('follows the reader’s colour scheme and prints without navigation', async () => {
    const { page } = desk;
    const colours = () =>
      page.evaluate(() => ({
        body: getComputedStyle(document.body).backgroundColor,
        chart: getComputedStyle(document.querySelector('.chart-svg')!).color,
      }));
    await desk.open(SCREENSHOT_PRODUCT);
    // The reader's setting changed while the page is open (the desk tab is light, as a context is by default).
    try {
      const light = await colours();
      await page.emulateMedia({ colorScheme: 'dark' });
      const dark = await colours();
      expect(light.body).toBe('rgb(255, 255, 255)');
      expect(dark.body).toBe('rgb(21, 24, 28)');
      // Chart ink is currentColor: the SVG takes the page's text colour.
      expect(dark.chart).not.toBe(light.chart);
      await page.emulateMedia({ colorScheme: 'light', media: 'print' });
      expect(await page.locator('.site-header nav').isVisible()).toBe(false);
      expect(await page.locator('.chart-wide svg').first().isVisible()).toBe(true);
    } finally {
      await page.emulateMedia({ colorScheme: 'light', media: null });
    }
  });
});

/** What axe-core finds on the open page: its serious and critical violations only. */
async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, which the page's CSP does not govern: the page is scanned as served.
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(
            ctx: Document,
            options: { resultTypes: string[] },
          ): Promise<{ violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[] }>;
        };
      }
    ).axe;
    // Violations in full, and no node details of the rules that pass (axe's own advice for speed: the scan of
    // every page at both widths took ~20 % less, alone 106 → 84 s).
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map(
        (v) =>
          `${v.id} (${v.impact}) at ${v.nodes
            .slice(0, 3)
            .map((n) => n.target.join(' '))
            .join(', ')}`,
      );
  });
}

/**
 * How the open page fits its width: the page must not scroll sideways; every chart shown must fit its
 * column, with every visible text of it inside the SVG (a clipped title, legend or axis label fails)
 * and no legend label cut short with "…" (a band's or a source's name is read whole, wrapped if need
 * be); every region that scrolls a wide table must be focusable and named.
 */
async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const root = document.scrollingElement!;
    if (root.scrollWidth > root.clientWidth)
      problems.push(`page scrolls sideways: ${root.scrollWidth} px wide in ${root.clientWidth} px`);
    for (const svg of document.querySelectorAll<SVGSVGElement>('figure.chart svg')) {
      const box = svg.getBoundingClientRect();
      if (box.width === 0) continue;
      const id = svg.closest('figure')!.id;
      const column = svg.closest('.chart-svg')!.getBoundingClientRect();
      if (box.right > column.right + 0.5) problems.push(`${id}: chart wider than its column`);
      for (const text of svg.querySelectorAll('text')) {
        if (text.getAttribute('opacity') === '0' || text.getClientRects().length === 0) continue;
        const r = text.getBoundingClientRect();
        if (r.width === 0) continue;
        if (
          r.left < box.left - 0.5 ||
          r.right > box.right + 0.5 ||
          r.top < box.top - 0.5 ||
          r.bottom > box.bottom + 0.5
        )
          problems.push(`${id}: text "${text.textContent}" runs outside the chart`);
        if (text.closest('.role-legend-label') && text.textContent?.endsWith('…'))
          problems.push(`${id}: legend label cut short: "${text.textContent}"`);
      }
    }
    for (const region of document.querySelectorAll('.table-scroll'))
      if (
        region.getAttribute('tabindex') !== '0' ||
        region.getAttribute('role') !== 'region' ||
        !(region.getAttribute('aria-label') || region.getAttribute('aria-labelledby'))
      )
        problems.push(`a table's scroll region is not focusable and named: ${region.outerHTML.slice(0, 80)}`);
    return problems;
  });
}

/** A page kind: a folder's pages (a product, a country, a commodity, a sector: one template each) or a page of its own. */
const kindOf = (path: string) => (/^[^/]+\/(?!index\.html$)/.test(path) ? path.split('/')[0] : path);

/**
 * The pages axe scans: every page of its own, and of each folder's kind the largest page (most rows, charts
 * and labels) and, at desk width, the smallest too (the page with the least data: notes where charts would
 * be). A kind's pages share one template, its markup and its colours: scanning all 57 pages at desk width
 * took three times as long and found nothing more.
 */
async function scannedPages(paths: string[], width: Width): Promise<Set<string>> {
  const sized = await Promise.all(paths.map(async (path) => ({ path, bytes: (await stat(join(site, path))).size })));
  const byKind = new Map<string, typeof sized>();
  for (const p of sized) byKind.set(kindOf(p.path), [...(byKind.get(kindOf(p.path)) ?? []), p]);
  const scanned = new Set<string>();
  for (const ofKind of byKind.values()) {
    ofKind.sort((a, b) => b.bytes - a.bytes);
    scanned.add(ofKind[0].path);
    if (width === '1280') scanned.add(ofKind[ofKind.length - 1].path);
  }
  return scanned;
}

interface WidthVisit {
  /** Console errors, CSP violations, failed or outside requests, error statuses. */
  problems: string[];
  /** Charts without a label, a narrow copy, a caption or a data table. */
  incompleteCharts: string[];
  layout: string[];
  axe: string[];
  visited: number;
  scanned: number;
}

/** Every page at one width, once: what it loads, its charts, its layout and (on the pages scanned) axe's findings. */
async function visitAt(tab: Tab, width: Width, paths: string[]): Promise<WidthVisit> {
  const { page } = tab;
  const earlier = tab.problems.length;
  const visit: WidthVisit = { problems: [], incompleteCharts: [], layout: [], axe: [], visited: 0, scanned: 0 };
  // The root copy of the release is laid out and scanned (the other copies have the same bodies).
  const root = paths.filter((p) => !/^(latest|releases)\//.test(p) || p === 'releases/index.html');
  const scans = await scannedPages(root, width);
  for (const path of paths) {
    await tab.open(path);
    visit.visited++;
    // page.evaluate, not page.$$eval: a selector first injects Playwright's selector engine, ~50 ms a page.
    const figures = await page.evaluate(() =>
      [...document.querySelectorAll('figure.chart')].map((f) => ({
        id: f.id,
        label: f.querySelector('.chart-wide svg')?.getAttribute('aria-label') ?? '',
        narrow: Boolean(f.querySelector('.chart-narrow svg[aria-label]')),
        caption: f.querySelector('figcaption .takeaway')?.textContent ?? '',
        table: f.querySelectorAll('details.chart-data table tbody tr').length,
      })),
    );
    for (const f of figures)
      if (f.label.length < 20 || !f.narrow || f.caption.length < 20 || f.table === 0)
        visit.incompleteCharts.push(`${path}#${f.id}: ${JSON.stringify(f)}`);
    if (!root.includes(path)) continue;
    for (const p of await layoutProblems(page)) visit.layout.push(`${width} ${path}: ${p}`);
    if (!scans.has(path)) continue;
    visit.scanned++;
    for (const p of await axeViolations(page)) visit.axe.push(`${width} ${path}: ${p}`);
  }
  visit.problems = tab.problems.slice(earlier);
  return visit;
}

describe('every page at desk and phone widths (1280 and 390 px), served with the CSP', () => {
  let deskVisit: WidthVisit;
  let phoneVisit: WidthVisit;
  beforeAll(async () => {
    // Each width visits every page once, the two side by side (the two tabs); the tests below
    // read what the visits found. Desk width visits the other copies' pages too (the release list, the
    // latest copy, a page of this month's release); the layout and axe look at the root copy.
    const rootPages = pages.filter((p) => !/^(latest|releases)\//.test(p)).concat('releases/index.html');
    [deskVisit, phoneVisit] = await Promise.all([visitAt(desk, '1280', pages), visitAt(phone, '390', rootPages)]);
  }, scaled(240_000));

  it('loads every page with no console error, no CSP violation, no failed request and nothing requested from outside the site', () => {
    expect(pages.length).toBeGreaterThan(40);
    expect(deskVisit.visited).toBe(pages.length);
    expect([...deskVisit.problems, ...phoneVisit.problems]).toEqual([]);
  });

  it('draws every chart as an SVG with an aria-label, a narrow copy, a caption and a data table', () => {
    expect(deskVisit.incompleteCharts).toEqual([]);
  });

  it('never scrolls sideways, keeps every chart and its text inside its column, and names every table region', () => {
    // A phone changes the CSS, and with it what is shown, hidden, stacked or clipped, and a long name of one
    // product can clip where another's fits: the layout is checked on every page at both widths.
    expect(phoneVisit.visited).toBeGreaterThan(40);
    expect([...deskVisit.layout, ...phoneVisit.layout]).toEqual([]);
  });

  it('finds no serious or critical axe violation on a page of each kind at both widths', () => {
    expect(deskVisit.scanned).toBeGreaterThan(15);
    expect(phoneVisit.scanned).toBeGreaterThan(10);
    expect([...deskVisit.axe, ...phoneVisit.axe]).toEqual([]);
  });

  it('keeps screenshots of the overview and the claims page at both widths', async () => {
    await mkdir(KEPT_SCREENSHOTS, { recursive: true });
    for (const [width, tab] of [
      ['1280', desk],
      ['390', phone],
    ] as const)
      for (const name of ['index', 'claims']) {
        await tab.open(`${name}.html`);
        // The top of the page (the headline figures; the first claim with its evidence table): small enough to keep in git.
        const height = await tab.page.evaluate(
          (max) => Math.min(document.documentElement.scrollHeight, max),
          KEPT_HEIGHT,
        );
        const shot = await tab.page.screenshot({ fullPage: true, clip: { x: 0, y: 0, width: Number(width), height } });
        expect(shot.subarray(1, 4).toString()).toBe('PNG');
        await writeFile(join(ARTIFACTS, `${name}-${width}.png`), shot);
        const kept = join(KEPT_SCREENSHOTS, `${name}-${width}.png`);
        if (!existsSync(kept)) await writeFile(kept, shot);
      }
  });
});

describe('share and cite', () => {
  it('links each chart to itself, cites it, and downloads it as SVG and as PNG; its marks carry hover text', async () => {
    // The desk tab accepts downloads, as a context does by default.
    const { page } = desk;
    const earlier = desk.problems.length;
    await desk.open(SCREENSHOT_PRODUCT);
    const figure = page.locator('figure.chart').first();
    const id = await figure.getAttribute('id');
    // The visible "#" link is the chart's permanent anchor.
    await figure.locator('a.permalink').click();
    expect(new URL(page.url()).hash).toBe(`#${id}`);
    expect(await page.evaluate(() => document.querySelector(':target')?.id)).toBe(id);
    // The citation: title, release, sources and the chart's address in its release.
    await figure.locator('details.chart-cite summary').click();
    const citation = await figure.locator('details.chart-cite p').textContent();
    expect(citation).toContain(`release ${MONTH}`);
    expect(citation).toContain(`releases/${MONTH}/${SCREENSHOT_PRODUCT}#${id}`);
    expect(citation).toContain(await figure.getAttribute('data-title'));
    // SVG: a file of its own with a size; PNG: drawn by the page's script at twice the chart's size.
    const [svgDownload] = await Promise.all([
      page.waitForEvent('download'),
      figure.locator('a[download]', { hasText: 'SVG' }).click(),
    ]);
    const svg = await readFile((await svgDownload.path())!, 'utf8');
    const viewBox = /viewBox="0 0 ([\d.]+) ([\d.]+)"/.exec(svg)!;
    expect(svg).toMatch(/^<svg [^>]*width="[\d.]+" height="[\d.]+"/);
    const [pngDownload] = await Promise.all([
      page.waitForEvent('download'),
      figure.getByRole('button', { name: /PNG/ }).click(),
    ]);
    expect(pngDownload.suggestedFilename()).toBe(`${id}.png`);
    const png = await readFile((await pngDownload.path())!);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(Math.round(Number(viewBox[1]) * 2));
    expect(png.readUInt32BE(20)).toBe(Math.round(Number(viewBox[2]) * 2));
    // Hover text without a script: the data marks carry an SVG <title>.
    const titled = await figure.locator('.chart-wide svg [role="graphics-symbol"] > title').count();
    expect(titled).toBeGreaterThan(0);
    expect(desk.problems.slice(earlier)).toEqual([]);
  });
});

describe('the site opened from disk', () => {
  it('renders with its stylesheet and follows links, with no request failing', async () => {
    await withContext({}, async (context) => {
      const page = await context.newPage();
      let path = 'index.html';
      const problems = watch(page, pathToFileURL(site).href, () => path);
      await page.goto(pathToFileURL(join(site, path)).href);
      expect(
        await page.evaluate(() => getComputedStyle(document.querySelector('.site-header')!).borderBottomStyle),
      ).toBe('solid');
      path = 'products/index.html';
      await page.click('header nav a[href="products/index.html"]');
      await page.waitForURL(/products\/index\.html$/);
      path = SCREENSHOT_PRODUCT;
      await page.click(`a[href="${SCREENSHOT_PRODUCT.replace('products/', '')}"]`);
      await page.waitForURL(/854231\.html$/);
      expect(await page.locator('figure.chart svg[aria-label]').count()).toBeGreaterThan(0);
      expect(problems).toEqual([]);
    });
  });
});

describe('hostile names through the whole pipeline', () => {
  it('show as text and run nothing, even without the CSP', async () => {
    // Where the names ended up, found in the built files: each must reach some page, escaped.
    const escaped = (s: string) =>
      s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
    const root = pages.filter((p) => !/^(latest|releases)\//.test(p));
    const html = new Map(await Promise.all(root.map(async (p) => [p, await readFile(join(site, p), 'utf8')] as const)));
    const carrying = (name: string) => [...html].filter(([, body]) => body.includes(escaped(name))).map(([p]) => p);
    const visits = new Map<string, string[]>();
    for (const name of [SCRIPT_NAME, IMG_NAME, SCRIPT_LABEL]) {
      const found = carrying(name);
      expect(found.length, name).toBeGreaterThan(0);
      for (const p of found.slice(0, 4)) visits.set(p, [...(visits.get(p) ?? []), name]);
    }
    await withContext({ bypassCSP: true }, async (context) => {
      const page = await context.newPage();
      let path = '';
      const problems = watch(page, server.url, () => path);
      for ([path] of visits) {
        await page.goto(server.url + path);
        const dom = await page.evaluate(() => ({
          // The site's scripts, each where it belongs: the PNG button on every page, the SQL console on the Data page.
          scripts: [...document.scripts].filter(
            (s) =>
              !/\/assets\/chart-png\.js$/.test(s.src) &&
              !(location.pathname.endsWith('/data.html') && /\/console\/data-console\.js$/.test(s.src)),
          ).length,
          images: document.images.length,
          // biome-ignore lint/performance/useDomNodeTextContent: the rendered text a reader sees is what is checked
          text: document.body.innerText,
          svgText: [...document.querySelectorAll('svg text')].map((t) => t.textContent).join('\n'),
        }));
        expect(dom.scripts, path).toBe(0);
        expect(dom.images, path).toBe(0);
        for (const name of visits.get(path)!) expect(`${dom.text}\n${dom.svgText}`, `${path}: ${name}`).toContain(name);
      }
      expect(problems).toEqual([]);
    });
    // The product whose label is hostile shows it, as text, as its heading.
    expect(carrying(SCRIPT_LABEL)).toContain('products/850511.html');
  });
});

describe('accessibility (axe-core)', () => {
  /** Dark mode changes colours only: the pages with the most kinds of markup (light mode: a page of each kind, above). */
  const SCANNED = ['index.html', SCREENSHOT_PRODUCT, 'claims.html', 'screen.html'];

  it(
    'finds no serious or critical violation in dark mode',
    async () => {
      const violations: string[] = [];
      await desk.page.emulateMedia({ colorScheme: 'dark' });
      try {
        for (const path of SCANNED) {
          await desk.open(path);
          for (const found of await axeViolations(desk.page)) violations.push(`dark ${path}: ${found}`);
        }
      } finally {
        await desk.page.emulateMedia({ colorScheme: 'light' });
      }
      expect(violations).toEqual([]);
    },
    scaled(120_000),
  );
});
