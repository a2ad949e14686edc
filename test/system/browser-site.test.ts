/**
 * The published site in a real browser (Debian chromium driven by playwright-core): the bundled data
 * through the whole pipeline, with two country names and one product label made hostile in the
 * reference tables, served by `chainwatch serve`'s server (so the CloudFront CSP applies) and once
 * opened from disk. One build, one browser, every page visited once.
 *
 * The accessibility scan injects axe-core with page.addScriptTag, which the CSP (script-src 'self')
 * would refuse; that pass alone runs in a context with bypassCSP. The script-injection check also
 * runs without the CSP, so it is the escaping, not the policy, that keeps the script from running.
 */
import { scaled } from '../support/slowdown.ts';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, BrowserContext } from 'playwright-core';
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

let work: string;
let site: string;
let server: SiteServer;
let browser: Browser;
let pages: string[];

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
  browser = await launchChromium();
  await mkdir(ARTIFACTS, { recursive: true });
}, scaled(180_000));

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

async function withContext<T>(
  options: Parameters<Browser['newContext']>[0],
  fn: (context: BrowserContext) => Promise<T>,
): Promise<T> {
  const context = await browser.newContext(options);
  try {
    return await fn(context);
  } finally {
    await context.close();
  }
}

describe('the site in Chromium, served with the CloudFront CSP', () => {
  it(
    'loads every page with no console error, no failed request and nothing requested from outside the site; every chart is an SVG with an aria-label, a caption and a data table',
    async () => {
      expect(pages.length).toBeGreaterThan(40);
      await withContext({}, async (context) => {
        await context.addInitScript(() => {
          document.addEventListener('securitypolicyviolation', (e) =>
            console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI}`),
          );
        });
        const page = await context.newPage();
        let path = '';
        const problems = watch(page, server.url, () => path);
        const missing: string[] = [];
        for (path of pages) {
          const response = await page.goto(server.url + path, { waitUntil: 'load' });
          expect(response?.status(), path).toBe(200);
          const figures = await page.$$eval('figure.chart', (figs) =>
            figs.map((f) => ({
              id: f.id,
              label: f.querySelector('.chart-wide svg')?.getAttribute('aria-label') ?? '',
              narrow: Boolean(f.querySelector('.chart-narrow svg[aria-label]')),
              caption: f.querySelector('figcaption .takeaway')?.textContent ?? '',
              table: f.querySelectorAll('details.chart-data table tbody tr').length,
            })),
          );
          for (const f of figures)
            if (f.label.length < 20 || !f.narrow || f.caption.length < 20 || f.table === 0)
              missing.push(`${path}#${f.id}: ${JSON.stringify(f)}`);
        }
        expect(problems).toEqual([]);
        expect(missing).toEqual([]);
      });
    },
    scaled(120_000),
  );

  it('opens and closes a chart’s data table', async () => {
    await withContext({}, async (context) => {
      const page = await context.newPage();
      await page.goto(server.url + SCREENSHOT_PRODUCT);
      const details = page.locator('figure.chart details.chart-data').first();
      const table = details.locator('table');
      expect(await table.isVisible()).toBe(false);
      await details.locator('summary').click();
      expect(await table.isVisible()).toBe(true);
      expect(await details.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
      expect(await table.locator('tbody tr').count()).toBeGreaterThan(0);
      await details.locator('summary').click();
      expect(await table.isVisible()).toBe(false);
    });
  });

  it('writes screenshots of the overview and a product page, and fits a phone screen', async () => {
    await withContext({ viewport: { width: 1280, height: 900 } }, async (context) => {
      const page = await context.newPage();
      await page.goto(server.url + 'index.html');
      await page.screenshot({ path: join(ARTIFACTS, 'overview.png'), fullPage: true });
      await page.goto(server.url + SCREENSHOT_PRODUCT);
      await page.screenshot({ path: join(ARTIFACTS, 'product-854231.png'), fullPage: true });
    });
    await withContext({ viewport: { width: 390, height: 844 }, isMobile: true }, async (context) => {
      const page = await context.newPage();
      for (const path of ['index.html', SCREENSHOT_PRODUCT, 'claims.html', 'production/chips.html']) {
        await page.goto(server.url + path);
        const widths = await page.evaluate(() => ({
          scroll: document.documentElement.scrollWidth,
          view: window.innerWidth,
        }));
        expect(widths.scroll, path).toBeLessThanOrEqual(widths.view);
      }
      expect(await page.locator('.chart-narrow svg').first().isVisible()).toBe(true);
      expect(await page.locator('.chart-wide svg').first().isVisible()).toBe(false);
      await page.goto(server.url + 'index.html');
      await page.screenshot({ path: join(ARTIFACTS, 'overview-phone.png'), fullPage: true });
    });
    for (const file of ['overview.png', 'product-854231.png', 'overview-phone.png'])
      expect((await readFile(join(ARTIFACTS, file))).subarray(1, 4).toString()).toBe('PNG');
  });

  it('follows the reader’s colour scheme and prints without navigation', async () => {
    const background = async (scheme: 'light' | 'dark') =>
      withContext({ colorScheme: scheme }, async (context) => {
        const page = await context.newPage();
        await page.goto(server.url + SCREENSHOT_PRODUCT);
        return page.evaluate(() => ({
          body: getComputedStyle(document.body).backgroundColor,
          chart: getComputedStyle(document.querySelector('.chart-svg')!).color,
        }));
      });
    const [light, dark] = [await background('light'), await background('dark')];
    expect(light.body).toBe('rgb(255, 255, 255)');
    expect(dark.body).toBe('rgb(21, 24, 28)');
    // Chart ink is currentColor: the SVG takes the page's text colour.
    expect(dark.chart).not.toBe(light.chart);
    await withContext({}, async (context) => {
      const page = await context.newPage();
      await page.goto(server.url + SCREENSHOT_PRODUCT);
      await page.emulateMedia({ media: 'print' });
      expect(await page.locator('.site-header nav').isVisible()).toBe(false);
      expect(await page.locator('.chart-wide svg').first().isVisible()).toBe(true);
    });
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
          scripts: document.scripts.length,
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
  const SCANNED = [
    'index.html',
    'claims.html',
    'screen.html',
    'changes.html',
    'methodology.html',
    'data-quality.html',
    'sources.html',
    'products/index.html',
    SCREENSHOT_PRODUCT,
    'products/850511.html',
    'sectors/semiconductors.html',
    'countries/index.html',
    'countries/CHN.html',
    'production/index.html',
    'production/chips.html',
    'releases/index.html',
  ];

  it(
    'finds no serious or critical violation, in light and dark mode',
    async () => {
      const violations: string[] = [];
      for (const colorScheme of ['light', 'dark'] as const) {
        await withContext({ bypassCSP: true, colorScheme }, async (context) => {
          const page = await context.newPage();
          for (const path of colorScheme === 'light'
            ? SCANNED
            : ['index.html', SCREENSHOT_PRODUCT, 'claims.html', 'screen.html']) {
            await page.goto(server.url + path);
            await page.addScriptTag({ path: AXE });
            const found = await page.evaluate(async () => {
              const axe = (
                window as unknown as {
                  axe: {
                    run(
                      ctx: Document,
                    ): Promise<{ violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[] }>;
                  };
                }
              ).axe;
              const result = await axe.run(document);
              return result.violations.map((v) => ({
                id: v.id,
                impact: v.impact,
                targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
              }));
            });
            for (const v of found.filter((v) => v.impact === 'serious' || v.impact === 'critical'))
              violations.push(`${colorScheme} ${path}: ${v.id} (${v.impact}) at ${v.targets.join(', ')}`);
          }
        });
      }
      expect(violations).toEqual([]);
    },
    scaled(120_000),
  );
});
