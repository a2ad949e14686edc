/**
 * The Data page's SQL console in a real browser (Debian chromium driven by playwright-core): the bundled
 * data through the whole pipeline, the site served by `chainwatch serve`'s server (so the console's CSP
 * applies, as on CloudFront), one page load of a release's Data page. A saved query picked as an example
 * and a statement typed into the editor each return exactly the rows `chainwatch query` returns for the
 * same SQL on the same lake; every request the page makes is to the site.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveSite, type SiteServer } from '../../src/cli/serve-site.ts';
import { CONSOLE_CSP, SITE_CSP } from '../../src/core/report/csp.ts';
import { findSavedQuery, withDefaults } from '../../src/core/sql/saved-query.ts';
import { BUNDLED_RELEASE_MONTH, bundledBuild } from '../support/bundled-site.ts';
import { launchChromium, watchPage } from '../support/chromium.ts';
import { scaled } from '../support/slowdown.ts';

const run = promisify(execFile);
const ARTIFACTS = 'test-artifacts';

/** Typed into the editor: a join, a filter, integer division (Athena's, which the console sets too) and doubles. */
const TYPED_SQL = `SELECT s.hs6, s.year, s.year / 10 AS decade, s.partner_iso3, s.share, s.value_usd, c.hhi, c.top_supplier_iso3
FROM supplier_shares s
JOIN concentration c ON c.reporter_iso3 = s.reporter_iso3 AND c.flow = s.flow AND c.hs6 = s.hs6 AND c.year = s.year
WHERE s.reporter_iso3 = 'USA' AND s.flow = 'M' AND s.rank <= 3
ORDER BY s.hs6, s.year, s.rank`;

let lakeRoot: string;
let site: string;
let month: string;
let server: SiteServer;
let browser: Browser;

beforeAll(async () => {
  ({ lake: lakeRoot, site } = await bundledBuild());
  month = BUNDLED_RELEASE_MONTH;
  server = await serveSite({ root: site });
  browser = await launchChromium();
}, scaled(180_000));

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** `chainwatch query` (the compiled CLI) on the same lake: header and rows as the console shows cells. */
async function cliRows(sql: string): Promise<{ header: string[]; rows: string[][] }> {
  const { stdout } = await run(process.execPath, [
    'bin/chainwatch.js',
    'query',
    '--lake',
    lakeRoot,
    '--format',
    'json',
    '--',
    sql,
  ]);
  const rows = JSON.parse(stdout) as Record<string, unknown>[];
  expect(rows.length, 'the CLI returns rows to compare').toBeGreaterThan(0);
  return {
    header: Object.keys(rows[0]),
    rows: rows.map((r) => Object.values(r).map((v) => (v === null ? 'NULL' : String(v)))),
  };
}

describe('the Data page’s SQL console in Chromium', () => {
  it(
    'returns the rows chainwatch query returns for the same SQL, with no request leaving the site and no CSP violation',
    async () => {
      const context = await browser.newContext();
      try {
        await context.addInitScript(() => {
          document.addEventListener('securitypolicyviolation', (e) =>
            console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI}`),
          );
        });
        const page = await context.newPage();
        const path = `releases/${month}/data.html`;
        const problems = watchPage(page, server.url, () => path);
        const requested: string[] = [];
        page.on('request', (r) => requested.push(r.url()));
        const response = await page.goto(server.url + path);
        expect(response?.headers()['content-security-policy']).toBe(CONSOLE_CSP);
        await expect.poll(() => page.textContent('#sql-status')).toMatch(/^Ready/);
        expect(
          requested.filter((u) => u.includes('duckdb')),
          'DuckDB loads on the first Run, not with the page',
        ).toEqual([]);

        const shown = async () => {
          await expect
            .poll(() => page.textContent('#sql-status'), { timeout: scaled(60_000) })
            .toMatch(/^(\d+ rows?|Error)/);
          expect(await page.textContent('#sql-status')).not.toMatch(/^Error/);
          return {
            header: await page.$$eval('#sql-result thead th', (ths) => ths.map((th) => th.textContent ?? '')),
            rows: await page.$$eval('#sql-result tbody tr', (trs) =>
              trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')),
            ),
          };
        };

        // An example: picking a saved query fills the editor with its SQL, its parameters at their defaults.
        const example = withDefaults(await findSavedQuery('top_suppliers'));
        await page.selectOption('#sql-example', 'top_suppliers');
        expect(await page.inputValue('#sql-text')).toBe(example);
        await page.click('#sql-run');
        expect(await shown()).toEqual(await cliRows(example));

        // A statement typed into the editor.
        await page.fill('#sql-text', '');
        await page.locator('#sql-text').pressSequentially(TYPED_SQL);
        await page.click('#sql-run');
        expect(await shown()).toEqual(await cliRows(TYPED_SQL));
        await mkdir(ARTIFACTS, { recursive: true });
        await page.screenshot({ path: join(ARTIFACTS, 'data-console.png') });

        const parquet = requested.filter((u) => u.endsWith('.parquet'));
        expect(parquet.length, 'the console read the release’s Parquet files').toBeGreaterThan(0);
        for (const url of parquet) expect(url.startsWith(`${server.url}releases/${month}/tables/`), url).toBe(true);
        expect(requested.some((u) => u.endsWith('/console/duckdb-eh.wasm'))).toBe(true);
        expect(requested.every((u) => u.startsWith(server.url))).toBe(true);
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    },
    scaled(180_000),
  );

  it('is the only page with the console: every other page has only the charts’ PNG script', async () => {
    const entries = await readdir(site, { recursive: true, withFileTypes: true });
    const pages = entries
      .filter((e) => e.isFile() && e.name.endsWith('.html'))
      .map((e) => relative(site, join(e.parentPath, e.name)).split(sep).join('/'));
    const chartScript = /^<script src="((?:\.\.\/)*assets\/chart-png\.js)" defer>$/;
    const scripts = new Map<string, string[]>();
    const chartScriptMissing: string[] = [];
    for (const page of pages) {
      const [first, ...rest] = (await readFile(join(site, page), 'utf8')).match(/<script\b[^>]*>/g) ?? [];
      const src = first?.match(chartScript)?.[1];
      // The chart script first in every page, and a file of this copy of the site.
      if (!src || !existsSync(join(site, dirname(page), src))) chartScriptMissing.push(page);
      if (rest.length) scripts.set(page, rest);
    }
    expect(chartScriptMissing).toEqual([]);
    expect(new Map([...scripts].sort())).toEqual(
      new Map([
        ['data.html', ['<script src="console/data-console.js" defer>']],
        ['latest/data.html', ['<script src="../console/data-console.js" defer>']],
        [`releases/${month}/data.html`, ['<script src="../../console/data-console.js" defer>']],
      ]),
    );
  });

  it('serves the console’s CSP only to the Data pages and the console’s files', async () => {
    const csp = async (path: string) => (await fetch(server.url + path)).headers.get('content-security-policy');
    for (const path of ['data.html', 'latest/data.html', `releases/${month}/data.html`, 'console/duckdb-eh.wasm'])
      expect(await csp(path), path).toBe(CONSOLE_CSP);
    for (const path of [
      'index.html',
      'products/index.html',
      `releases/${month}/index.html`,
      'tables/trade_flows.parquet',
    ])
      expect(await csp(path), path).toBe(SITE_CSP);
  });
});
