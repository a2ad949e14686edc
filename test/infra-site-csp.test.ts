import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, relative } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SITE_CSP } from '../infra/stacks/site.ts';
import { runLocalPipeline } from '../src/pipeline.ts';

/**
 * The CloudFront response-headers policy sends SITE_CSP with every page. Build the real site from
 * the bundled data, serve it with that header, open every page in Chromium and collect what the
 * browser refuses: the pages must need nothing the policy forbids.
 */
const CHROMIUM = '/usr/bin/chromium';
const TYPES: Record<string, string> = { '.html': 'text/html', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json', '.csv': 'text/csv', '.js': 'text/javascript' };

const pagesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.html'))
    .map((e) => relative(dir, join(e.parentPath, e.name)));

describe('site pages under the CloudFront Content-Security-Policy', () => {
  let work: string;
  let siteDir: string;
  let server: Server;
  let origin: string;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium is missing at ${CHROMIUM}; install it with apt-get install chromium.`);
    work = mkdtempSync(join(tmpdir(), 'chainwatch-csp-'));
    siteDir = join(work, 'site');
    await runLocalPipeline({ lake: join(work, 'lake'), outDir: siteDir });
    server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      // CloudFront's default root object; every other link names its file.
      const file = normalize(join(siteDir, path === '/' ? 'index.html' : decodeURIComponent(path)));
      if (!file.startsWith(siteDir) || !existsSync(file)) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Security-Policy': SITE_CSP });
      res.end(readFileSync(file));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
    rmSync(work, { recursive: true, force: true });
  });

  it('loads every page without a CSP violation or a failed request', async () => {
    const pages = pagesUnder(siteDir);
    expect(pages).toContain('index.html');
    const problems: string[] = [];
    const context = await browser.newContext();
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI}`));
    });
    for (const path of pages) {
      const page = await context.newPage();
      page.on('console', (m) => {
        // A refused resource is reported by the response handler with its URL.
        if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`${path}: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`${path}: ${e.message}`));
      page.on('requestfailed', (r) => problems.push(`${path}: request failed ${r.url()}`));
      page.on('response', (r) => {
        if (r.status() >= 400) problems.push(`${path}: ${r.status()} for ${r.url()}`);
      });
      const response = await page.goto(`${origin}/${path}`, { waitUntil: 'load' });
      expect(response?.status(), path).toBe(200);
      await page.close();
    }
    await context.close();
    expect(problems).toEqual([]);
  }, 120_000);
});
