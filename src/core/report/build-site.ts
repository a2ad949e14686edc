import { readFile } from 'node:fs/promises';
import type { ProductionConcentrationRow } from '../../../data-schemas/index.ts';
import { ChainwatchError } from '../errors.ts';
import { projectPath } from '../project-root.ts';
import type { ObjectStore } from '../seams/object-store.ts';
import type { QueryEngine } from '../seams/query-engine.ts';
import { metricSqlFiles } from '../sql/metric-sql.ts';
import { loadSavedQueries } from '../sql/saved-query.ts';
import { planColours } from './colour-plan.ts';
import type { CountryColours } from './charts/palette.ts';
import { shortCitation } from './citations.ts';
import { bundledClaims, checkClaims, type ClaimsFile } from './claims.ts';
import { writeConsoleFiles } from './console-files.ts';
import { contentTypeOf } from './content-types.ts';
import { emptyWarnings, keepMonthly, keepScreen, type WarningSnapshot } from './early-warnings.ts';
import { alertsAtom, alertsJson } from './feeds.ts';
import { siteUrl, type SiteUrl } from './site-url.ts';
import { figureHtml, renderChart, type RenderedChart, type SiteFile } from './figure.ts';
import { chartRendererAtFirstChart, type ChartRenderer } from './charts/chart-renderer.ts';
import { seedHeadlines, worldShareHeadline, type Headline } from './headlines.ts';
import { pageFrames, type FramedPage, type Mount } from './layout.ts';
import { compareSectors, loadModel, type SiteModel } from './model.ts';
import { pageSourceIds, type PageContext, type PagePlan } from './page.ts';
import { familyPages } from './page-data.ts';
import { changesPage } from './pages/changes.ts';
import { dataPage } from './pages/data.ts';
import { claimsPage } from './pages/claims.ts';
import {
  compareCountries,
  countriesIndexPage,
  countryFamily,
  countryPage,
  supplierCountryOf,
} from './pages/country.ts';
import { coverageOf, dataQualityPage } from './pages/data-quality.ts';
import { methodologyPage } from './pages/methodology.ts';
import { overviewPage } from './pages/overview.ts';
import { PRODUCT_QUERY_VALUES, productFamily, productOf, productPage, type Product } from './pages/product.ts';
import {
  commodityFamily,
  commodityOf,
  commoditySeries,
  cr3Rows,
  productionIndexPage,
  productionPage,
  type CommodityListing,
} from './pages/production.ts';
import { productsIndexPage } from './pages/products-index.ts';
import { releasesPage, gonePage } from './pages/releases.ts';
import { screenFamily, screenFrameworkOf, screenPage } from './pages/screen.ts';
import {
  emptySectorProduction,
  sectorFamily,
  sectorHeadlines,
  sectorPage,
  seriesLink,
  type SectorProduction,
} from './pages/sector.ts';
import { landingsBySource, sourcesPage, type PageCitations } from './pages/sources.ts';
import { mounts, paths, relativeHref } from './paths.ts';
import { compareSeries, seriesKey, type ShareSeriesGroup } from './production-series.ts';
import { loadQuality } from './quality.ts';
import { publishTables, type PublishedTable } from './table-files.ts';
import {
  checkMonth,
  diffReleases,
  nextIndex,
  productSnapshot,
  readHistory,
  releaseMonthOf,
  snapshotOf,
  withPages,
  type ProductionShareEntry,
  type ReleaseSnapshot,
} from './release.ts';

/** The report build failed for a reason that is not the store's (a chart or page could not be made). */
class ReportError extends ChainwatchError {}

export interface BuildSiteOptions {
  /** The query engine over the lake (DuckDB locally, Athena in AWS): every page's rows come from it. */
  engine: QueryEngine;
  /**
   * Opens the session that writes the Data page's tables while the pages render; the build closes it as
   * soon as the tables are written (an idle DuckDB session keeps the memory it used). Default: `engine`
   * writes them. Locally a second DuckDB session over the same lake, so the table files and the pages'
   * queries each have their own memory limit instead of sharing one.
   */
  tablesSession?: () => Promise<QueryEngine>;
  /** The lake (folder or S3): the run manifests, source states and quarantine files the data-quality page reads. */
  store: ObjectStore;
  /** Where the build's files go (a fresh folder or bucket prefix); the edge that called switches readers to it. */
  out: ObjectStore;
  /** When the build ran: only the default release month (nothing in the site records it, so the same lake builds the same site). */
  builtAt?: Date;
  /** The release this build is, YYYY-MM; default the month of `builtAt`. */
  releaseMonth?: string;
  /** The live site, where earlier releases are read from (to say what changed); none for a first build. */
  archive?: ObjectStore;
  /**
   * The site's public address (`https://d111.cloudfront.net/`): chart citations and the alert feeds
   * carry absolute URLs under it. Without it they carry addresses from the site root and say so.
   */
  baseUrl?: string;
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

const STYLESHEET = projectPath('reports', 'site.css');
/** Every page's script: a chart's PNG download, drawn in the browser (pages work without it). */
const CHART_PNG_SCRIPT = projectPath('reports', 'chart-png.js');

/** Files written at once: enough to keep the disk or S3 busy while pages render, few enough to hold in memory. */
const WRITES_IN_FLIGHT = 32;
/** Pages whose charts are drawing while the build reads the next pages' rows: enough to keep the renderer busy. */
const PAGES_IN_FLIGHT = 4;

/**
 * The order pages are listed in (the sources page's "used on"): overview, sectors, products index,
 * products, countries index, countries, production index, production pages, claims, dependency
 * screen, what changed, methodology, data quality, sources — each kind in the order its index lists it.
 */
type PageOrder = (number | string)[];
const compareOrder = (a: PageOrder, b: PageOrder): number => {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const [x, y] = [a[i], b[i]];
    if (x === y) continue;
    if (x === undefined || y === undefined) return x === undefined ? -1 : 1;
    return typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
  }
  return 0;
};

/**
 * Writes a release page by page, as each is rendered: the page framed for each copy of the release
 * (releases/<month>/, latest/, the site root), its downloads and its charts' files. It keeps what
 * the sources page and the snapshot need of each page (path, title, sources) and nothing else.
 */
class ReleaseWriter {
  readonly written: (PageCitations & { order: PageOrder })[] = [];
  charts = 0;
  bytes = 0;
  files = 0;
  largestPage = { path: '', bytes: 0 };
  private readonly chartIds = new Set<string>();
  private readonly metricSql = new Set(metricSqlFiles().map((f) => f.table));
  readonly copies: Mount[];

  constructor(
    private readonly model: SiteModel,
    private readonly out: ObjectStore,
    private readonly colours: CountryColours,
    private readonly cite: (sourceId: string) => string,
    private readonly site: SiteUrl,
    private readonly renderer: ChartRenderer,
  ) {
    this.copies = [mounts.release(model.release.month), mounts.latest, ''];
  }

  /** Writes in flight: the disk or the network works while the next chart renders. */
  private readonly inFlight = new Set<Promise<void>>();
  /** Pages planned and not yet written, and the last of them (each is written after the one before). */
  private readonly pagesInFlight = new Set<Promise<void>>();
  private lastPage: Promise<void> = Promise.resolve();
  private failure: unknown;

  /** Start writing a file; returns once it is started, with `written`, which settles when the file is written. */
  async put(path: string, body: string | Uint8Array): Promise<{ written: Promise<void> }> {
    const started = await this.start(() => this.out.put(path, body, contentTypeOf(path)));
    this.bytes += typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
    this.files++;
    return started;
  }

  /**
   * Start a write once fewer than WRITES_IN_FLIGHT are running; a write that failed fails the next one.
   * Returns the running write as `written` (it never rejects: its failure is the next one's).
   */
  private async start(write: () => Promise<void>): Promise<{ written: Promise<void> }> {
    while (this.inFlight.size >= WRITES_IN_FLIGHT) await Promise.race(this.inFlight);
    this.rethrow();
    const running: Promise<void> = write()
      .catch((error: unknown) => {
        this.failure ??= error;
      })
      .finally(() => this.inFlight.delete(running));
    this.inFlight.add(running);
    return { written: running };
  }

  /** Wait for every page and write; the first that failed fails the build. */
  async flush(): Promise<void> {
    await this.lastPage;
    await Promise.all(this.inFlight);
    this.rethrow();
  }

  /** After a failure: wait for the pages and writes still running, so none lands after the caller discards the build. */
  async settle(): Promise<void> {
    await this.lastPage;
    await Promise.allSettled(this.inFlight);
  }

  private rethrow(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  /**
   * A file every copy of the release has: written once, in the release folder, and copied into the others
   * inside the store (a hard link in a folder, a CopyObject in S3), so its bytes are written once.
   */
  async shared(file: SiteFile): Promise<void> {
    const [first, ...others] = this.copies.map((mount) => mount + file.path);
    await this.start(async () => {
      await this.out.put(first, file.body, contentTypeOf(first));
      for (const other of others) await this.out.copy(first, other);
    });
    this.bytes += Buffer.byteLength(file.body) * this.copies.length;
    this.files += this.copies.length;
  }

  /**
   * Plan a page: its charts start drawing in the renderer's thread at once, and the page is written (its
   * body framed for every copy of the release, its files, its charts' files) once they are drawn and the
   * pages planned before it are written. Returns while its charts draw, so the build reads the next
   * page's rows meanwhile; waits while PAGES_IN_FLIGHT pages are drawing.
   */
  async page(plan: PagePlan, order: PageOrder): Promise<void> {
    this.rethrow();
    for (const chart of plan.charts) {
      if (this.chartIds.has(chart.id))
        throw new ReportError(
          `Two charts share the id "${chart.id}"`,
          'Chart ids name their files; make the page give each chart a distinct id.',
        );
      const missing = chart.tables.filter((t) => !this.metricSql.has(t));
      if (missing.length)
        throw new ReportError(
          `Charts name metric tables without a SQL file: ${missing.map((t) => `${chart.id} → ${t}`).join(', ')}`,
          'A chart’s tables must be metric tables of data-schemas/metrics.ts.',
        );
      this.chartIds.add(chart.id);
    }
    const drawing = Promise.all(plan.charts.map((chart) => renderChart(chart, this.colours, this.renderer)));
    // A chart that fails is the page's failure, taken below once the pages before it are written.
    drawing.catch(() => undefined);
    this.charts += plan.charts.length;
    this.written.push({ order, path: plan.path, title: plan.title, sourceIds: pageSourceIds(plan) });
    const before = this.lastPage;
    const page: Promise<void> = (async () => {
      await before;
      await this.writePage(plan, new Map((await drawing).map((r) => [r.chart.id, r])));
    })()
      .catch((error: unknown) => {
        this.failure ??= error;
      })
      .finally(() => this.pagesInFlight.delete(page));
    this.lastPage = page;
    this.pagesInFlight.add(page);
    while (this.pagesInFlight.size >= PAGES_IN_FLIGHT) await Promise.race(this.pagesInFlight);
    this.rethrow();
  }

  /** A page whose charts are drawn: its body, written into every copy of the release with its files. */
  private async writePage(plan: PagePlan, rendered: ReadonlyMap<string, RenderedChart>): Promise<void> {
    const body = plan.body({
      figure: (chart) => {
        const drawn = rendered.get(chart.id);
        if (!drawn)
          throw new ReportError(
            `Page ${plan.path} asked for chart ${chart.id} it did not plan`,
            'List the chart in the page plan’s charts.',
          );
        return figureHtml(drawn, plan.path, { release: this.model.release.month, cite: this.cite, site: this.site });
      },
      href: (to) => relativeHref(plan.path, to),
      cite: this.cite,
    });
    const frames = pageFrames(this.model, plan, body);
    for (const mount of this.copies) {
      const framed = frames(mount);
      // One copy at a time: the largest page (the dependency screen, 3.6 MB at 1,000 products) is written at the
      // build's peak, and its three framed copies were held at once (bench/analysis.md).
      await (await this.put(mount + plan.path, framed)).written;
      if (mount === '' && framed.byteLength > this.largestPage.bytes)
        this.largestPage = { path: plan.path, bytes: framed.byteLength };
    }
    for (const file of plan.files ?? []) await this.shared(file);
    for (const r of rendered.values()) for (const file of [r.csv, r.json, r.spec, r.svgFile]) await this.shared(file);
  }

  /** A chartless page outside the release copies (the release list, a page only earlier releases had), in one place. */
  async outside(plan: PagePlan & FramedPage, mount: Mount): Promise<void> {
    const body = plan.body(chartlessContext(plan.path, this.cite));
    await this.put(mount + plan.path, pageFrames(this.model, plan, body)(mount));
  }
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

/** What the commodity pages tell the rest of the site. */
interface ProductionSummary {
  bySector: Map<string, SectorProduction>;
  commodities: CommodityListing[];
  /** CR3 rows of every drawn series (the production index's chart). */
  cr3: ProductionConcentrationRow[];
  /** Every production_shares row, as the snapshot keeps it. */
  shares: ProductionShareEntry[];
}

/** Stages whose series give a sector headline (China's share of world output). */
const HEADLINE_STAGES = ['mining', 'refining'];

/**
 * The product pages, one at a time; returns what the other pages need of each product, in index order.
 * `onRowsReady` is called once the family's query has its rows (with the first page).
 */
async function writeProductPages(
  engine: QueryEngine,
  model: SiteModel,
  writer: ReleaseWriter,
  warnings: WarningSnapshot,
  onRowsReady: () => void,
): Promise<{ products: Product[]; snapshot: ReleaseSnapshot['products'] }> {
  const products: Product[] = [];
  const snapshot: ReleaseSnapshot['products'] = {};
  const sectorIndex = (id: string) => model.sectors.findIndex((s) => s.id === id);
  for await (const page of familyPages(engine, productFamily, PRODUCT_QUERY_VALUES)) {
    if (products.length === 0) onRowsReady();
    const product = productOf(page);
    products.push(product);
    snapshot[product.hs6] = productSnapshot(product.label, page.rows.years as never);
    keepMonthly(warnings, product.hs6, product.label, page.rows.monthly as never);
    await writer.page(productPage(model, product, page), [3, sectorIndex(product.sector), product.hs6]);
  }
  products.sort((a, b) => compareSectors(a.sector, b.sector) || a.hs6.localeCompare(b.hs6));
  return { products, snapshot };
}

/** The production pages, one per commodity; returns what the sector pages, the index and the snapshot need. */
async function writeProductionPages(
  engine: QueryEngine,
  model: SiteModel,
  writer: ReleaseWriter,
): Promise<ProductionSummary> {
  const summary: ProductionSummary = { bySector: new Map(), commodities: [], cr3: [], shares: [] };
  const headlines = new Map<string, { group: ShareSeriesGroup; headline: Headline }[]>();
  const sectorIndex = (id: string) => model.sectors.findIndex((s) => s.id === id);
  for await (const page of familyPages(engine, commodityFamily)) {
    summary.shares.push(...(page.rows.shares as unknown as ProductionShareEntry[]));
    const concentration = page.rows.concentration as unknown as ProductionConcentrationRow[];
    const series = commoditySeries(model, page.rows.shares);
    for (const s of series) {
      const sector = summary.bySector.get(s.sector) ?? emptySectorProduction();
      summary.bySector.set(s.sector, sector);
      sector.drawn.push(...s.drawn.map(seriesLink));
      for (const key of s.duplicates) sector.duplicates.add(key);
      const keys = new Set(s.drawn.map(seriesKey));
      sector.cr3.push(...cr3Rows(concentration, keys).filter((r) => r.sector === s.sector));
      const found = headlines.get(s.sector) ?? [];
      for (const group of s.groups.filter((g) => HEADLINE_STAGES.includes(g.stage))) {
        const refined = s.groups.some((g) => g.commodity === group.commodity && g.stage === 'refining');
        const headline = worldShareHeadline(s.sector, group, refined);
        if (headline) found.push({ group, headline });
      }
      headlines.set(s.sector, found);
    }
    const commodity = commodityOf(page.key, series);
    if (!commodity) continue;
    summary.cr3.push(...cr3Rows(concentration, new Set(commodity.groups.map(seriesKey))));
    summary.commodities.push({
      id: commodity.id,
      sector: commodity.sector,
      series: commodity.groups.map(({ commodity: c, measure, stage }) => ({ commodity: c, measure, stage })),
    });
    await writer.page(productionPage(model, commodity, page), [7, sectorIndex(commodity.sector), commodity.id]);
  }
  for (const [id, sector] of summary.bySector) {
    sector.drawn.sort(compareSeries);
    sector.headlines = (headlines.get(id) ?? []).sort((a, b) => compareSeries(a.group, b.group)).map((h) => h.headline);
  }
  summary.commodities.sort((a, b) => sectorIndex(a.sector) - sectorIndex(b.sector) || a.id.localeCompare(b.id));
  return summary;
}

/** `work` in a session of its own when the caller opens one, closed as soon as `work` is done; else in `engine`. */
async function inOwnSession<T>(
  open: (() => Promise<QueryEngine>) | undefined,
  engine: QueryEngine,
  work: (engine: QueryEngine) => Promise<T>,
): Promise<T> {
  if (!open) return work(engine);
  const session = await open();
  try {
    return await work(session);
  } finally {
    await session.close();
  }
}

/**
 * Build the static report site from the lake into `out`: this month's release under
 * `releases/<YYYY-MM>/`, the same release under `latest/` and at the site root, and the release
 * index. Every page's rows come from the query engine, one page family at a time, and each page is
 * written as soon as it is rendered, so memory holds one page, never a table. Earlier releases are
 * read from `archive` to say what changed, and never rewritten.
 */
export async function buildSite(options: BuildSiteOptions): Promise<BuildSummary> {
  const { engine, store, out, onProgress } = options;
  let writer: ReleaseWriter | undefined;
  let tablesWritten: Promise<PublishedTable[]> | undefined;
  const renderer = chartRendererAtFirstChart();
  try {
    const site = siteUrl(options.baseUrl);
    const builtAt = options.builtAt ?? new Date();
    const month = checkMonth(options.releaseMonth ?? releaseMonthOf(builtAt));
    const [quality, history] = await Promise.all([loadQuality(store), readHistory(options.archive, month)]);
    const index = nextIndex(history.index, month);
    const model = await loadModel(engine, store.location, {
      builtAt,
      quality,
      release: { month, previous: history.previous, months: index.releases.map((r) => r.month) },
    });
    const cite = (sourceId: string) => {
      const source = model.source(sourceId);
      return source ? shortCitation(source) : sourceId;
    };
    const colours = await planColours(engine, model);
    writer = new ReleaseWriter(model, out, colours, cite, site, renderer);
    onProgress?.(`writing release ${month} to ${out.location} page by page, with rows from the ${engine.name} engine`);

    for (const file of [
      { path: paths.css, body: await readFile(STYLESHEET, 'utf8') },
      { path: paths.chartPngScript, body: await readFile(CHART_PNG_SCRIPT, 'utf8') },
      ...metricSqlFiles().map((f) => ({ path: paths.sql(f.table), body: f.sql })),
    ])
      await writer.shared(file);

    // The Data page's tables, written while the pages render: by the engine itself where it can (DuckDB's
    // COPY runs in a thread of its own; Athena's rows stream through here), in the release folder once and
    // copied to the other copies. The page itself comes last. They start once the product pages' query has
    // its rows: that query's sort and the tables' COPY at once were the build's peak (bench/analysis.md).
    const [release, ...others] = writer.copies;
    const writeTables = (): Promise<PublishedTable[]> => {
      if (!tablesWritten) {
        tablesWritten = inOwnSession(options.tablesSession, engine, (tables) =>
          publishTables(tables, out, release, others, { 'chainwatch.release': month }),
        );
        tablesWritten.catch(() => undefined);
      }
      return tablesWritten;
    };

    const warnings = emptyWarnings();
    const { products, snapshot: productYears } = await writeProductPages(engine, model, writer, warnings, writeTables);
    // A lake without products: the tables start here.
    writeTables();
    await writer.page(productsIndexPage(model, products), [2]);
    onProgress?.(`  ${products.length} product pages`);

    const production = await writeProductionPages(engine, model, writer);
    await writer.page(productionIndexPage(model, production.commodities, production.cr3), [6]);

    const productsOf = (sector: string) => products.filter((p) => p.sector === sector);
    const bySector = [];
    const sectorPages = familyPages(engine, sectorFamily);
    const published = new Map<string, number>();
    for await (const page of sectorPages) {
      const sector = model.sectors.find((s) => s.id === page.key);
      if (!sector) continue;
      published.set(sector.id, page.rows.production.length);
      const info = production.bySector.get(sector.id) ?? emptySectorProduction();
      await writer.page(sectorPage(model, sector, productsOf(sector.id), info, page), [
        1,
        model.sectors.indexOf(sector),
      ]);
    }
    for (const sector of model.sectors) {
      const info = production.bySector.get(sector.id) ?? emptySectorProduction();
      if (!published.has(sector.id)) {
        const page = { key: sector.id, rows: { production: [], basket: [] } };
        await writer.page(sectorPage(model, sector, productsOf(sector.id), info, page), [
          1,
          model.sectors.indexOf(sector),
        ]);
      }
      bySector.push({
        sector,
        headlines: sectorHeadlines(sector, info, productsOf(sector.id), model.asOf.provisionalTradeYear),
        published: published.get(sector.id) ?? 0,
      });
    }

    const byHs6 = new Map(products.map((p) => [p.hs6, p]));
    const countries = [];
    for await (const page of familyPages(engine, countryFamily)) {
      const country = supplierCountryOf(model, page);
      if (!country) continue;
      countries.push(country);
      await writer.page(countryPage(model, country, byHs6, page), [5, country.name, country.iso3]);
    }
    const allSources = [...new Set(products.flatMap((p) => p.sourceIds))].sort();
    await writer.page(countriesIndexPage(countries.sort(compareCountries), allSources), [4]);

    const frameworks = [];
    for await (const page of familyPages(engine, screenFamily)) {
      const framework = screenFrameworkOf(page);
      frameworks.push(framework);
      keepScreen(warnings, framework.id, framework.criteria[0]?.framework_name ?? framework.id, framework.flags);
    }
    await writer.page(screenPage(model, frameworks), [8, 1]);

    const claimsFile = options.claims ?? bundledClaims();
    const [claims, seed, coverage, landings] = await Promise.all([
      checkClaims(engine, claimsFile, model.asOf.provisionalTradeYear),
      seedHeadlines(engine),
      coverageOf(engine),
      landingsBySource(engine, model),
    ]);
    const headlines = [...seed, ...bySector.flatMap((s) => s.headlines)];
    const metrics = snapshotOf({
      month,
      products: productYears,
      productionShares: production.shares,
      headlines,
      claims,
      warnings,
    });
    const changes = diffReleases(history.previous, metrics, model);
    await writer.page(overviewPage(model, { claims, changes, seed, bySector, products }), [0]);
    await writer.page(claimsPage(model, claimsFile, claims), [8]);
    await writer.page(changesPage(model, changes), [9]);
    await writer.page(methodologyPage(model), [10]);
    await writer.page(dataQualityPage(model, coverage), [11]);
    const consoleBytes = await writeConsoleFiles(out);
    const tables = await writeTables();
    await writer.page(dataPage(tables, await loadSavedQueries(), consoleBytes), [13]);
    const parquetOnly = tables.filter((t) => t.bytes.csv === null).length;
    onProgress?.(
      `  ${tables.length} tables as Parquet and CSV${parquetOnly ? ` (${parquetOnly} past a spreadsheet's rows as Parquet only)` : ''} (${tables.reduce((n, t) => n + t.rows, 0)} rows); SQL console ${(consoleBytes / 1024 ** 2).toFixed(1)} MB at ${mounts.console}`,
    );
    const cited = [...writer.written].sort((a, b) => compareOrder(a.order, b.order));
    await writer.page(sourcesPage(model, cited, landings), [12]);

    const snapshot = withPages(
      metrics,
      writer.written.map((p) => p.path),
      history.previous,
    );
    for (const file of [
      { path: paths.snapshot, body: JSON.stringify(snapshot) + '\n' },
      alertsJson(changes, site),
      alertsAtom(changes, site),
    ])
      await writer.shared(file);
    // Pages earlier releases had: the moving copies (root and latest/) point to the last release that had them.
    for (const mount of [mounts.latest, ''])
      for (const [path, last] of Object.entries(snapshot.gone))
        await writer.outside(gonePage(path, last, mount), mount);
    await writer.put(mounts.releasesJson, JSON.stringify(index, null, 1) + '\n');
    await writer.outside(releasesPage(model, index), '');
    await writer.flush();

    const pages = writer.written.length;
    const { largestPage } = writer;
    onProgress?.(
      `rendered release ${month}: ${pages} pages and ${writer.charts} charts; largest page ${largestPage.path} (${Math.round(largestPage.bytes / 1024)} KiB)`,
    );
    onProgress?.(`wrote ${writer.files} files to ${out.location} (releases/${month}/, latest/ and the site root)`);
    return { pages, charts: writer.charts, bytes: writer.bytes, release: month, largestPage };
  } catch (cause) {
    await Promise.allSettled([writer?.settle(), tablesWritten]);
    if (cause instanceof ChainwatchError) throw cause;
    throw new ReportError(
      `The report build failed: ${(cause as Error).message}`,
      `The published site is unchanged. If the lake tables look right, this is a bug in the report builder.`,
      { cause },
    );
  } finally {
    await renderer.close();
  }
}
