/**
 * The site's Content-Security-Policy: pages load only their own stylesheet, inline SVG and local
 * scripts (assets/chart-png.js on every page, the charts' PNG button, which draws a data: image; the
 * Data page's console, below); no inline
 * script, no remote font or image. CloudFront sends it with every response (infra/stacks/site.ts,
 * SITE_CSP, must stay equal: a test compares them) and `chainwatch serve` sends the same header, so
 * a local preview fails exactly where the published site would.
 */
export const SITE_CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

/**
 * The Data page's SQL console runs DuckDB compiled to WebAssembly in a worker: compiling WebAssembly
 * needs 'wasm-unsafe-eval' (no JavaScript eval is allowed). The worker is the site's own script file,
 * so `worker-src` falls back to `script-src 'self'` (no blob: worker); the worker fetches the wasm and
 * the release's Parquet files from the site (`default-src 'self'`). A worker runs under the policy its
 * own script is served with, so the console's files get this policy as well as the page.
 */
export const CONSOLE_CSP = SITE_CSP.replace("script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'");

/**
 * Where CONSOLE_CSP applies, as CloudFront path patterns (`*` matches any characters, `/` included):
 * the Data page in every copy of a release and the console's files at the site root. CloudFront gives
 * each pattern a cache behavior with that policy (infra/stacks/site.ts); `chainwatch serve` matches the
 * same patterns (`cspFor`); every other path gets SITE_CSP.
 */
export const CONSOLE_PATHS = ['/data.html', '/latest/data.html', '/releases/*/data.html', '/console/*'] as const;

const patternOf = (path: string): RegExp =>
  new RegExp(`^${path.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*')}$`);
const CONSOLE_PATTERNS = CONSOLE_PATHS.map(patternOf);

/** The policy for a request path (`/releases/2026-05/data.html`), as CloudFront picks it. */
export const cspFor = (urlPath: string): string =>
  CONSOLE_PATTERNS.some((p) => p.test(urlPath)) ? CONSOLE_CSP : SITE_CSP;
