import { html, type SafeHtml } from './html.ts';
import type { SiteModel } from './model.ts';
import { paths, relativeHref } from './paths.ts';

export interface NavEntry {
  key: string;
  label: string;
  path: string;
}

export const navEntries = (model: SiteModel): NavEntry[] => [
  { key: 'overview', label: 'Overview', path: paths.overview },
  ...model.sectors.map((s) => ({ key: `sector:${s.id}`, label: s.label, path: paths.sector(s.id) })),
  { key: 'products', label: 'Products', path: paths.productsIndex },
  { key: 'sources', label: 'Sources', path: paths.sources },
];

/**
 * The shared page frame: local stylesheet only, nav, and a footer with the build time and how recent
 * the data is. No script, no remote resource: a page opened from disk renders completely.
 */
export function layout(model: SiteModel, page: { path: string; title: string; nav: string }, body: SafeHtml): string {
  const href = (to: string) => relativeHref(page.path, to);
  const built = model.builtAt.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const { tradeThrough, productionThrough } = model.asOf;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="generator" content="chainwatch">
<title>${page.title} · chainwatch</title>
<link rel="stylesheet" href="${href(paths.css)}">
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site-header">
<a class="brand" href="${href(paths.overview)}">chainwatch</a>
<nav aria-label="Site"><ul>${navEntries(model).map(
    (e) => html`<li><a href="${href(e.path)}"${e.key === page.nav ? html` aria-current="page"` : ''}>${e.label}</a></li>`,
  )}</ul></nav>
</header>
<main id="main">
${body}
</main>
<footer class="site-footer">
<p>Data as of: trade through ${tradeThrough ?? 'n/a'}; production and capacity figures through ${productionThrough === null ? 'n/a' : String(productionThrough)} (latest observed year, projections excluded). The latest trade year may be provisional and revised by the source.</p>
<p>Built <time datetime="${built}">${built}</time> by chainwatch from the lake tables. Every figure names its source; full citations on the <a href="${href(paths.sources)}">sources page</a>.</p>
</footer>
</body>
</html>
`.value;
}
