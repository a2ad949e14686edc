/**
 * The site's Content-Security-Policy: pages load only their own stylesheet and inline SVG; no
 * script, no remote font or image. CloudFront sends it with every response (infra/stacks/site.ts,
 * SITE_CSP, must stay equal: a test compares them) and `chainwatch serve` sends the same header, so
 * a local preview fails exactly where the published site would.
 */
export const SITE_CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";
