import { html, type SafeHtml } from './html.ts';
import { labelScrollRegions } from './table-regions.ts';
import type { SiteModel } from './model.ts';
import { mounts, paths, relativeHref } from './paths.ts';

/**
 * The site icon, inline (the CSP allows data: images): without one the browser asks every origin for
 * /favicon.ico, a request that fails on disk and in the bucket.
 */
const FAVICON = `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#0a5ea8"/><path d="M3 12h2V7H3zm4 0h2V4H7zm4 0h2V9h-2z" fill="#fff"/></svg>')}`;

interface NavEntry {
  key: string;
  label: string;
  path: string;
}

/** The header: what a reader came for. */
const navEntries = (model: SiteModel): NavEntry[] => [
  { key: 'overview', label: 'Overview', path: paths.overview },
  ...model.sectors.map((s) => ({ key: `sector:${s.id}`, label: s.label, path: paths.sector(s.id) })),
  { key: 'products', label: 'Products', path: paths.productsIndex },
  { key: 'countries', label: 'Countries', path: paths.countriesIndex },
  { key: 'production', label: 'Production', path: paths.productionIndex },
  { key: 'claims', label: 'Claims check', path: paths.claims },
  { key: 'screen', label: 'Dependency screen', path: paths.screen },
  { key: 'data', label: 'Data', path: paths.dataPage },
];

/** The footer: how the figures are made and kept. */
const aboutEntries: NavEntry[] = [
  { key: 'changes', label: 'What changed', path: paths.changes },
  { key: 'methodology', label: 'Methodology', path: paths.methodology },
  { key: 'quality', label: 'Data quality', path: paths.quality },
  { key: 'sources', label: 'Sources', path: paths.sources },
];

/**
 * Where a copy of the release is served from: the site root and `latest/` (both the newest release)
 * or `releases/<YYYY-MM>/` (that release, kept as it is). Pages differ between mounts only in the
 * footer's links to the other copies.
 */
export type Mount = string;

const navList = (entries: readonly NavEntry[], current: string, href: (to: string) => string): SafeHtml =>
  html`<ul>${entries.map((e) => html`<li><a href="${href(e.path)}"${e.key === current ? html` aria-current="page"` : ''}>${e.label}</a></li>`)}</ul>`;

/**
 * The shared page frame: local stylesheet only, nav, and a footer with the release, how recent the
 * data are and the page's permanent address. One local script on every page, which only adds the
 * charts' PNG button, and the Data page's SQL console; no remote resource, no build clock: a page
 * opened from disk renders completely without the scripts, and the same lake gives the same bytes.
 */
export interface FramedPage {
  path: string;
  title: string;
  nav: string;
  /** A page with no copy in the release folder (the release list, a page only earlier releases had): no permanent link. */
  outsideRelease?: boolean;
  /** Scripts at the site root (not in the release copies), loaded deferred; other pages have only the chart script. */
  scripts?: readonly string[];
}

/** The frame of a page in one copy of the release: its markup before the page's body, and after it. */
function frame(model: SiteModel, page: FramedPage, mount: Mount): { head: string; foot: string } {
  const href = (to: string) => relativeHref(page.path, to);
  const archiveHref = (to: string) => relativeHref(mount + page.path, to);
  const { tradeThrough, productionThrough } = model.asOf;
  const { month } = model.release;
  const permanent = mounts.release(month) + page.path;
  const isReleaseCopy = mount === mounts.release(month);
  const stale = model.quality.staleSources;
  const head = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="generator" content="chainwatch">
<title>${page.title} · chainwatch</title>
<link rel="stylesheet" href="${href(paths.css)}">
<link rel="icon" type="image/svg+xml" href="${FAVICON}">
<link rel="alternate" type="application/atom+xml" title="chainwatch alerts" href="${href(paths.alertsAtom)}">
<script src="${href(paths.chartPngScript)}" defer></script>
${(page.scripts ?? []).map(
  (src) => html`<script src="${archiveHref(src)}" defer></script>
`,
)}</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site-header">
<a class="brand" href="${href(paths.overview)}">chainwatch</a>
<nav aria-label="Site">${navList(navEntries(model), page.nav, href)}</nav>
</header>
<main id="main">
${stale.length ? html`<p class="note stale" role="status">Stale: ${stale.join(', ')} could not be refreshed; the figures from ${stale.length === 1 ? 'it' : 'them'} are the last good ones. <a href="${href(paths.quality)}">Data quality</a></p>` : ''}
`.value;
  const foot = html`
</main>
<footer class="site-footer">
<nav aria-label="About the data">${navList(aboutEntries, page.nav, href)}</nav>
<p>Release ${month}. Data as of: trade through ${tradeThrough ?? 'n/a'}; production and capacity figures through ${productionThrough === null ? 'n/a' : String(productionThrough)} (latest observed year, projections excluded). The latest trade year may be provisional and revised by the source.</p>
<p>${
    page.outsideRelease
      ? html`<a href="${archiveHref(mounts.latest + paths.overview)}">Latest release</a> · <a href="${archiveHref(mounts.releasesIndex)}">All releases</a>`
      : isReleaseCopy
        ? html`This is the permanent copy of this page in release ${month}; it never changes. <a href="${archiveHref(mounts.latest + page.path)}">Latest release</a> · <a href="${archiveHref(mounts.releasesIndex)}">All releases</a>`
        : html`Permanent link to this page as of this release: <a href="${archiveHref(permanent)}">${permanent}</a> · <a href="${archiveHref(mounts.releasesIndex)}">All releases</a>`
  } · <a href="${href(paths.alertsAtom)}" type="application/atom+xml">Alerts feed</a></p>
<p>Built by chainwatch from the lake tables. Every figure names its source; full citations on the <a href="${href(paths.sources)}">sources page</a>.</p>
</footer>
</body>
</html>
`.value;
  return { head, foot };
}

/**
 * A page as the bytes written into each copy of the release (`mount`). Its body is the same in every copy
 * (its links are relative), so it is labelled (table regions) and encoded once: a product page is ~300 KB of
 * text, and every pass over it in a copy (V8 flattening the string, the labelling, the encoding) cost 1–2 ms,
 * ~15 s of a 1,000-product build.
 */
export function pageFrames(model: SiteModel, page: FramedPage, body: SafeHtml): (mount: Mount) => Buffer {
  const main = Buffer.from(labelScrollRegions(body.value));
  return (mount) => {
    const { head, foot } = frame(model, page, mount);
    return Buffer.concat([Buffer.from(head), main, Buffer.from(foot)]);
  };
}
