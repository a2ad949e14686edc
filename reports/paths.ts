/**
 * Site paths. Every link is relative so the site works opened from disk, from any bucket prefix,
 * and inside a release snapshot folder.
 */

/** A path segment from an id (HS code, sector, source id): only characters that are safe in a file name and a URL. */
export const slug = (id: string): string => id.replace(/[^A-Za-z0-9_-]/g, '_');

export const paths = {
  overview: 'index.html',
  sources: 'sources.html',
  productsIndex: 'products/index.html',
  css: 'assets/site.css',
  sector: (sector: string) => `sectors/${slug(sector)}.html`,
  product: (hs6: string) => `products/${slug(hs6)}.html`,
  data: (file: string) => `data/${file}`,
  sourceAnchor: (sourceId: string) => `src-${slug(sourceId)}`,
};

/** The relative URL from one site path to another: ('products/x.html', 'data/a.csv') → '../data/a.csv'. */
export function relativeHref(from: string, to: string): string {
  const fromDirs = from.split('/').slice(0, -1);
  const toParts = to.split('/');
  let common = 0;
  while (common < fromDirs.length && common < toParts.length - 1 && fromDirs[common] === toParts[common]) common++;
  return [...fromDirs.slice(common).map(() => '..'), ...toParts.slice(common)].join('/');
}
