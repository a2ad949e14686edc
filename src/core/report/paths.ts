/**
 * Site paths. Every link is relative so the site works opened from disk, from any bucket prefix,
 * and inside a release snapshot folder.
 */

/** A path segment from an id (HS code, sector, source id): only characters that are safe in a file name and a URL. */
export const slug = (id: string): string => id.replace(/[^A-Za-z0-9_-]/g, '_');

/** Paths inside one release (the same under the site root, `latest/` and `releases/<YYYY-MM>/`). */
export const paths = {
  overview: 'index.html',
  sources: 'sources.html',
  claims: 'claims.html',
  changes: 'changes.html',
  methodology: 'methodology.html',
  quality: 'data-quality.html',
  screen: 'screen.html',
  /** The Data page: every table with its columns and downloads, and the SQL console. */
  dataPage: 'data.html',
  /** A lake table as a download of the release (`tables/trade_flows.parquet`). */
  table: (name: string, ext: 'parquet' | 'csv') => `tables/${slug(name)}.${ext}`,
  productsIndex: 'products/index.html',
  countriesIndex: 'countries/index.html',
  productionIndex: 'production/index.html',
  css: 'assets/site.css',
  chartPngScript: 'assets/chart-png.js',
  sector: (sector: string) => `sectors/${slug(sector)}.html`,
  product: (hs6: string) => `products/${slug(hs6)}.html`,
  country: (iso3: string) => `countries/${slug(iso3)}.html`,
  production: (commodity: string) => `production/${slug(commodity)}.html`,
  data: (file: string) => `data/${file}`,
  /** A metric table's SQL file, copied into the site from the repository's sql/metrics/. */
  sql: (table: string) => `sql/metrics/${slug(table)}.sql`,
  snapshot: 'data/metrics-snapshot.json',
  alertsJson: 'alerts.json',
  alertsAtom: 'alerts.xml',
  sourceAnchor: (sourceId: string) => `src-${slug(sourceId)}`,
};

/** Folders of the site root that hold whole releases: the moving alias and the immutable monthly copies. */
export const mounts = {
  latest: 'latest/',
  release: (month: string) => `releases/${month}/`,
  releasesIndex: 'releases/index.html',
  releasesJson: 'releases/index.json',
  /**
   * The Data page's SQL console (its script, worker and DuckDB's WebAssembly, several MB): once per site
   * at its root, outside the release copies, so no release carries its own copy.
   */
  console: 'console/',
};

/** The relative URL from one site path to another: ('products/x.html', 'data/a.csv') → '../data/a.csv'. */
export function relativeHref(from: string, to: string): string {
  const fromDirs = from.split('/').slice(0, -1);
  const toParts = to.split('/');
  let common = 0;
  while (common < fromDirs.length && common < toParts.length - 1 && fromDirs[common] === toParts[common]) common++;
  return [...fromDirs.slice(common).map(() => '..'), ...toParts.slice(common)].join('/');
}
