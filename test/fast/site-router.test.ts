/**
 * The site distribution's viewer-request function (infra/functions/site-router.js), executed in Node
 * with a key value store stand-in (the cloudfront-js runtime runs only at CloudFront's edge; see
 * test/support/site-router.ts): which object of the bucket each request URI reads.
 */
import { describe, expect, it } from 'vitest';
import { POINTER_KEYS } from '../../src/core/seams/site-pointer.ts';
import { kvsOf, loadSiteRouter, type ViewerRequest } from '../support/site-router.ts';

const BUILD = '0123456789abcdef';
const router = loadSiteRouter(
  kvsOf(
    new Map([
      [POINTER_KEYS.current, BUILD],
      [POINTER_KEYS.previous, 'fedcba9876543210'],
    ]),
  ),
);
const request = (uri: string): { request: ViewerRequest } => ({
  request: { method: 'GET', uri, querystring: {}, headers: {}, cookies: {} },
});

describe('site router (CloudFront Function)', () => {
  it.each([
    ['/', `/builds/${BUILD}/index.html`],
    ['/index.html', `/builds/${BUILD}/index.html`],
    ['/latest/', `/builds/${BUILD}/latest/index.html`],
    ['/releases/2026-02/products/280530.html', `/builds/${BUILD}/releases/2026-02/products/280530.html`],
    ['/data/product-280530-partners.csv', `/builds/${BUILD}/data/product-280530-partners.csv`],
    ['/assets/site.css', `/builds/${BUILD}/assets/site.css`],
    // A path that names another build stays inside the current one: old builds are not reachable.
    [`/builds/fedcba9876543210/index.html`, `/builds/${BUILD}/builds/fedcba9876543210/index.html`],
  ])('%s reads %s of the current build', async (uri, key) => {
    const out = await router(request(uri));
    expect(out).toMatchObject({ uri: key, method: 'GET' });
  });

  it('redirects a folder without its slash, so the relative links of its index page resolve', async () => {
    for (const uri of ['/latest', '/releases/2026-02']) {
      expect(await router(request(uri))).toEqual({
        statusCode: 301,
        statusDescription: 'Moved Permanently',
        headers: { location: { value: `${uri}/` } },
      });
    }
  });

  it('serves the bucket root as it is until the first build is switched in (the layout before builds)', async () => {
    const empty = loadSiteRouter(kvsOf(new Map()));
    expect(await empty(request('/'))).toMatchObject({ uri: '/index.html' });
    expect(await empty(request('/latest/changes.html'))).toMatchObject({ uri: '/latest/changes.html' });
  });
});
