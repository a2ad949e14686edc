import { metricSqlFiles } from '../sql/metric-sql.ts';
import { readFile } from 'node:fs/promises';
import { projectPath } from '../project-root.ts';
import { contentTypeOf } from './content-types.ts';

import { ChainwatchError } from '../errors.ts';
import type { ObjectStore } from '../seams/object-store.ts';
import { assignCountryColours } from './charts/palette.ts';
import { bundledClaims, checkClaims, type ClaimResult, type ClaimsFile } from './claims.ts';
import { shortCitation } from './citations.ts';
import { alertsAtom, alertsJson } from './feeds.ts';
import { figureHtml, renderChart, type RenderedChart, type SiteFile } from './figure.ts';
import { seedHeadlines, sectorHeadlines } from './headlines.ts';
import type { SafeHtml } from './html.ts';
import { layout, type FramedPage, type Mount } from './layout.ts';
import { buildModel, type SiteModel } from './model.ts';
import type { PageContext, PagePlan } from './page.ts';
import { changesPage } from './pages/changes.ts';
import { claimsPage } from './pages/claims.ts';
import { countriesIndexPage, countryPage } from './pages/country.ts';
import { dataQualityPage } from './pages/data-quality.ts';
import { methodologyPage } from './pages/methodology.ts';
import { overviewPage } from './pages/overview.ts';
import { productPage } from './pages/product.ts';
import { commodities, productionIndexPage, productionPage } from './pages/production.ts';
import { productsIndexPage } from './pages/products-index.ts';
import { releasesPage, gonePage } from './pages/releases.ts';
import { sectorPage } from './pages/sector.ts';
import { sourcesPage } from './pages/sources.ts';
import { mounts, paths, relativeHref } from './paths.ts';
import { loadQuality } from './quality.ts';
import {
  checkMonth,
  diffReleases,
  nextIndex,
  readHistory,
  releaseMonthOf,
  snapshotOf,
  withPages,
  type ReleaseChanges,
} from './release.ts';
import { loadSiteData } from './site-data.ts';

/** The report build failed for a reason that is not the store's (a chart or page could not be made). */
class ReportError extends ChainwatchError {}

export interface BuildSiteOptions {
  /** The lake to read (folder or S3). */
  store: ObjectStore;
  /** Where the build's files go (a fresh folder or bucket prefix); the edge that called switches readers to it. */
  out: ObjectStore;
  /** When the build ran: only the default release month (nothing in the site records it, so the same lake builds the same site). */
  builtAt?: Date;
  /** The release this build is, YYYY-MM; default the month of `builtAt`. */
  releaseMonth?: string;
  /** The live site, where earlier releases are read from (to say what changed); none for a first build. */
  archive?: ObjectStore;
  /** The claims to check; default reports/claims.json. */
  claims?: ClaimsFile;
  /** One line per step, like the ingest and metrics steps. */
  onProgress?: (line: string) => void;
}

export interface BuildSummary {
  pages: number;
  charts: number;
  bytes: number;
  release: string;
  /** The heaviest page of the release (HTML with its inline charts; the stylesheet is shared). */
  largestPage: { path: string; bytes: number };
}

/** Every page of the release, in build order; the sources page comes last because it lists who cites what. */
function planPages(
  model: SiteModel,
  claimsFile: ClaimsFile,
  claims: readonly ClaimResult[],
  changes: ReleaseChanges,
): PagePlan[] {
  const list = commodities(model);
  const pages = [
    overviewPage(model, claims, changes),
    ...model.sectors.map((s) => sectorPage(model, s)),
    productsIndexPage(model),
    ...model.products.map((p) => productPage(model, p)),
    countriesIndexPage(model),
    ...model.supplierCountries.map((c) => countryPage(model, c)),
    productionIndexPage(model, list),
    ...list.map((c) => productionPage(model, c)),
    claimsPage(model, claimsFile, claims),
    changesPage(model, changes),
    methodologyPage(model),
    dataQualityPage(model),
  ];
  return [...pages, sourcesPage(model, pages)];
}

const STYLESHEET = projectPath('reports', 'site.css');

/** One page written once, framed per mount. */
interface RenderedPage {
  plan: FramedPage;
  body: SafeHtml;
}

/** The context of a page without charts. */
const chartlessContext = (path: string, cite: (id: string) => string): PageContext => ({
  figure: (chart) => {
    throw new ReportError(
      `Page ${path} asked for chart ${chart.id} it did not plan`,
      'List the chart in the page plan’s charts.',
    );
  },
  href: (to) => relativeHref(path, to),
  cite,
});

/** A chartless page rendered for one mount. */
const renderPlain = (plan: PagePlan & FramedPage, cite: (id: string) => string): RenderedPage => ({
  plan,
  body: plan.body(chartlessContext(plan.path, cite)),
});

/** Draw every chart and write every page body, in memory; plus the files every mount shares. */
async function renderRelease(
  model: SiteModel,
  pages: readonly PagePlan[],
): Promise<{ pages: RenderedPage[]; files: SiteFile[] }> {
  const charts = pages.flatMap((p) => p.charts);
  const duplicate = charts.find((c, i) => charts.findIndex((d) => d.id === c.id) !== i);
  if (duplicate)
    throw new ReportError(
      `Two charts share the id "${duplicate.id}"`,
      'Chart ids name their files; make the page give each chart a distinct id.',
    );
  const sql = metricSqlFiles();
  const missingSql = charts.flatMap((c) =>
    c.tables.filter((t) => !sql.some((f) => f.table === t)).map((t) => `${c.id} → ${t}`),
  );
  if (missingSql.length)
    throw new ReportError(
      `Charts name metric tables without a SQL file: ${missingSql.join(', ')}`,
      'A chart’s tables must be metric tables of data-schemas/metrics.ts.',
    );

  const colours = assignCountryColours(charts);
  const rendered = new Map<string, RenderedChart>();
  for (const chart of charts) rendered.set(chart.id, await renderChart(chart, colours));

  const cite = citeIn(model);
  const files: SiteFile[] = [
    { path: paths.css, body: await readFile(STYLESHEET, 'utf8') },
    ...sql.map((f) => ({ path: paths.sql(f.table), body: f.sql })),
  ];
  const out: RenderedPage[] = [];
  for (const plan of pages) {
    const body = plan.body({
      figure: (chart) => figureHtml(rendered.get(chart.id)!, plan.path, { release: model.release.month, cite }),
      href: (to) => relativeHref(plan.path, to),
      cite,
    });
    out.push({ plan, body });
    files.push(...(plan.files ?? []));
  }
  for (const r of rendered.values()) files.push(r.csv, r.json, r.spec);
  return { pages: out, files };
}

const citeIn = (model: SiteModel) => (sourceId: string) => {
  const source = model.source(sourceId);
  return source ? shortCitation(source) : sourceId;
};

/** The files of one mount: the shared files and every page framed for it, under the mount's folder. */
const mountFiles = (
  model: SiteModel,
  mount: Mount,
  release: { pages: RenderedPage[]; files: SiteFile[] },
): SiteFile[] => [
  ...release.files.map((f) => ({ path: mount + f.path, body: f.body })),
  ...release.pages.map(({ plan, body }) => ({ path: mount + plan.path, body: layout(model, plan, body, mount) })),
];

/**
 * Build the static report site from the lake tables in `store` into `outDir`: this month's release
 * under `releases/<YYYY-MM>/`, the same release under `latest/` and at the site root, and the
 * release index. Earlier releases are read from `archive` to say what changed, and never rewritten.
 */
export async function buildSite(options: BuildSiteOptions): Promise<BuildSummary> {
  const { store, out, onProgress } = options;
  try {
    const builtAt = options.builtAt ?? new Date();
    const month = checkMonth(options.releaseMonth ?? releaseMonthOf(builtAt));
    const [data, quality, history] = await Promise.all([
      loadSiteData(store),
      loadQuality(store),
      readHistory(options.archive, month),
    ]);
    onProgress?.(`read ${Object.values(data).reduce((n, rows) => n + rows.length, 0)} rows from ${store.location}`);
    const index = nextIndex(history.index, month);
    const model = buildModel(data, {
      builtAt,
      quality,
      release: { month, previous: history.previous, months: index.releases.map((r) => r.month) },
    });

    const claimsFile = options.claims ?? bundledClaims();
    const claims = checkClaims(model, claimsFile);
    const headlines = [...seedHeadlines(model), ...model.sectors.flatMap((s) => sectorHeadlines(model, s.id))];
    const metrics = snapshotOf(model, headlines, claims);
    const changes = diffReleases(history.previous, metrics, model);
    const pages = planPages(model, claimsFile, claims, changes);
    const snapshot = withPages(
      metrics,
      pages.map((p) => p.path),
      history.previous,
    );
    const charts = pages.reduce((n, p) => n + p.charts.length, 0);

    const release = await renderRelease(model, pages);
    release.files.push(
      { path: paths.snapshot, body: JSON.stringify(snapshot) + '\n' },
      alertsJson(changes),
      alertsAtom(changes),
    );
    const cite = citeIn(model);
    // Pages earlier releases had: the moving copies (root and latest/) point to the last release that had them.
    const movedOn = (mount: Mount) => ({
      pages: Object.entries(snapshot.gone).map(([path, last]) => renderPlain(gonePage(path, last, mount), cite)),
      files: [],
    });
    const releaseList = renderPlain(releasesPage(model, index), cite);
    const files = [
      ...mountFiles(model, mounts.release(month), release),
      ...mountFiles(model, mounts.latest, release),
      ...mountFiles(model, '', release),
      ...mountFiles(model, mounts.latest, movedOn(mounts.latest)),
      ...mountFiles(model, '', movedOn('')),
      { path: mounts.releasesJson, body: JSON.stringify(index, null, 1) + '\n' },
      { path: releaseList.plan.path, body: layout(model, releaseList.plan, releaseList.body, '') },
    ];
    const largestPage = release.pages
      .map(({ plan, body }) => ({ path: plan.path, bytes: Buffer.byteLength(layout(model, plan, body, '')) }))
      .reduce((a, b) => (b.bytes > a.bytes ? b : a));
    onProgress?.(
      `rendered release ${month}: ${pages.length} pages and ${charts} charts; largest page ${largestPage.path} (${Math.round(largestPage.bytes / 1024)} KiB)`,
    );
    let bytes = 0;
    for (const file of files) {
      await out.put(file.path, file.body, contentTypeOf(file.path));
      bytes += Buffer.byteLength(file.body);
    }
    onProgress?.(`wrote ${files.length} files to ${out.location} (releases/${month}/, latest/ and the site root)`);
    return { pages: pages.length, charts, bytes, release: month, largestPage };
  } catch (cause) {
    if (cause instanceof ChainwatchError) throw cause;
    throw new ReportError(
      `The report build failed: ${(cause as Error).message}`,
      `The published site is unchanged. If the lake tables look right, this is a bug in the report builder.`,
      { cause },
    );
  }
}
