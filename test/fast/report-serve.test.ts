/**
 * `chainwatch serve`: the preview server answers like the published site (content types, the
 * CloudFront CSP and security headers), never serves outside the site folder, and the command stops
 * cleanly.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CSP, cspFor, SITE_CSP } from '../../src/core/report/csp.ts';
import { serveSite, type SiteServer } from '../../src/cli/serve-site.ts';
import { serveCommand } from '../../src/cli/serve.ts';
import { UsageError } from '../../src/core/errors.ts';
import { FIXTURE_SITE_MONTH as MONTH, fixtureSite } from '../support/fixture-site.ts';
import { scaled } from '../support/slowdown.ts';

let work: string;
let site: string;
let server: SiteServer;

/** A raw GET (fetch would normalize `..` out of the path before sending it). */
function get(
  url: string,
  path: string,
  method = 'GET',
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method }, (res) => {
      let body = '';
      res
        .setEncoding('utf8')
        .on('data', (c) => (body += c))
        .on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject).end();
  });
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'chainwatch-serve-'));
  // The fixture lake's site, shared read-only (test/support/fixture-site.ts): the server only reads it.
  ({ site } = await fixtureSite());
  server = await serveSite({ root: site });
}, scaled(150_000));

afterAll(async () => {
  await server?.close();
  await rm(work, { recursive: true, force: true });
});

describe('the CSP of a path', () => {
  it('allows WebAssembly (and nothing else more) only on the Data page of each copy of a release and the console’s files', () => {
    expect(CONSOLE_CSP).toBe(SITE_CSP.replace("script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'"));
    for (const path of ['/data.html', '/latest/data.html', `/releases/${MONTH}/data.html`, '/console/duckdb-eh.wasm'])
      expect(cspFor(path), path).toBe(CONSOLE_CSP);
    for (const path of [
      '/',
      '/index.html',
      '/products/data.html',
      '/latest/products/280530.html',
      `/releases/${MONTH}/products/280530.html`,
      '/data/product-280530-partners.csv',
      '/tables/trade_flows.parquet',
      '/consoles/x.js',
      '/data.html.bak',
      '/latest/console/data-console.js',
    ])
      expect(cspFor(path), path).toBe(SITE_CSP);
  });
});

describe('serveSite', () => {
  it('serves pages, folders and downloads with their content types and the security headers, on loopback', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const cases: [string, string][] = [
      ['/', 'text/html; charset=utf-8'],
      ['/latest/', 'text/html; charset=utf-8'],
      [`/releases/${MONTH}/products/280530.html`, 'text/html; charset=utf-8'],
      ['/assets/site.css', 'text/css; charset=utf-8'],
      ['/data/product-280530-partners.csv', 'text/csv; charset=utf-8'],
      ['/data/product-280530-partners.json', 'application/json'],
      ['/alerts.xml', 'application/atom+xml; charset=utf-8'],
      ['/sql/metrics/concentration.sql', 'text/plain; charset=utf-8'],
    ];
    for (const [path, type] of cases) {
      const res = await get(server.url, path);
      expect(res.status, path).toBe(200);
      expect(res.headers['content-type'], path).toBe(type);
      expect(res.headers['content-security-policy'], path).toBe(SITE_CSP);
      expect(res.headers['x-content-type-options'], path).toBe('nosniff');
    }
    expect((await get(server.url, '/')).body).toContain('<title>Overview · chainwatch</title>');
  });

  it('serves the Data page, its tables and its SQL console with their types, the console’s CSP only where it runs', async () => {
    const cases: [string, string, string][] = [
      ['/data.html', 'text/html; charset=utf-8', CONSOLE_CSP],
      ['/latest/data.html', 'text/html; charset=utf-8', CONSOLE_CSP],
      [`/releases/${MONTH}/data.html`, 'text/html; charset=utf-8', CONSOLE_CSP],
      ['/console/data-console.js', 'text/javascript; charset=utf-8', CONSOLE_CSP],
      ['/console/duckdb-browser-eh.worker.js', 'text/javascript; charset=utf-8', CONSOLE_CSP],
      ['/console/duckdb-eh.wasm', 'application/wasm', CONSOLE_CSP],
      ['/tables/trade_flows.parquet', 'application/vnd.apache.parquet', SITE_CSP],
      [`/releases/${MONTH}/tables/concentration.csv`, 'text/csv; charset=utf-8', SITE_CSP],
    ];
    for (const [path, type, csp] of cases) {
      const res = await get(server.url, path, 'HEAD');
      expect(res.status, path).toBe(200);
      expect(res.headers['content-type'], path).toBe(type);
      expect(res.headers['content-security-policy'], path).toBe(csp);
    }
  });

  it('answers 404 outside the site folder and for missing files, 405 for writes', async () => {
    for (const path of [
      '/../package.json',
      '/%2e%2e/package.json',
      '/products/%2e%2e/%2e%2e/package.json',
      '/nope.html',
      '/%E0%A4%A',
    ]) {
      expect((await get(server.url, path)).status, path).toBe(404);
    }
    expect((await get(server.url, '/', 'POST')).status).toBe(405);
  });

  it('says what to do when the folder is missing or the port is taken', async () => {
    await expect(serveSite({ root: join(work, 'no-site') })).rejects.toThrow(UsageError);
    const port = Number(new URL(server.url).port);
    await expect(serveSite({ root: site, port })).rejects.toThrow(/Port \d+ is already in use/);
  });
});

describe('serveCommand', () => {
  it('prints the address, serves until stopped, then closes', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const stop = new AbortController();
    const running = serveCommand(
      ['--dir', site, '--port', '0'],
      { out: (l) => out.push(l), err: (l) => err.push(l) },
      stop.signal,
    );
    await expect.poll(() => out.length).toBe(1);
    const url = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out[0])![1];
    expect((await get(url, '/index.html')).status).toBe(200);
    expect(err).toEqual(['GET /index.html 200']);
    stop.abort();
    await running;
    await expect(get(url, '/')).rejects.toThrow();
  });

  it('prints help and refuses a bad port', async () => {
    const out: string[] = [];
    await serveCommand(['--help'], { out: (l) => out.push(l), err: () => {} });
    expect(out[0]).toContain('chainwatch serve — preview the built report site');
    await expect(serveCommand(['--port', 'eighty'], { out: () => {}, err: () => {} })).rejects.toThrow(UsageError);
  });
});
