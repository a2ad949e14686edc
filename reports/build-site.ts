import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ChainwatchError, StoreError } from '../src/errors.ts';
import type { ObjectStore } from '../src/store/object-store.ts';
import { assignCountryColours } from './charts/palette.ts';
import { shortCitation } from './citations.ts';
import { figureHtml, renderChart, type RenderedChart, type SiteFile } from './figure.ts';
import { layout } from './layout.ts';
import { buildModel, type SiteModel } from './model.ts';
import type { PagePlan } from './page.ts';
import { overviewPage } from './pages/overview.ts';
import { productPage } from './pages/product.ts';
import { productsIndexPage } from './pages/products-index.ts';
import { sectorPage } from './pages/sector.ts';
import { sourcesPage } from './pages/sources.ts';
import { paths, relativeHref } from './paths.ts';
import { loadSiteData } from './site-data.ts';

/** The report build failed for a reason that is not the store's (a chart or page could not be made). */
export class ReportError extends ChainwatchError {}

export interface BuildSiteOptions {
  /** The lake to read (folder or S3). */
  store: ObjectStore;
  /** The site folder; replaced as a whole at the end of a successful build. */
  outDir: string;
  /** Shown in every footer; pass a fixed date for reproducible output. */
  builtAt?: Date;
  /** One line per step, like the ingest and metrics steps. */
  onProgress?: (line: string) => void;
}

export interface BuildSummary {
  pages: number;
  charts: number;
  bytes: number;
}

/** Every page of the site, in build order; the sources page comes last because it lists who cites what. */
export function planPages(model: SiteModel): PagePlan[] {
  const pages = [
    overviewPage(model),
    ...model.sectors.map((s) => sectorPage(model, s)),
    productsIndexPage(model),
    ...model.products.map((p) => productPage(model, p)),
  ];
  return [...pages, sourcesPage(model, pages)];
}

const STYLESHEET = new URL('./assets/site.css', import.meta.url);

/** Draw every chart and write every page, in memory. */
export async function renderSite(model: SiteModel, pages: readonly PagePlan[]): Promise<SiteFile[]> {
  const charts = pages.flatMap((p) => p.charts);
  const duplicate = charts.find((c, i) => charts.findIndex((d) => d.id === c.id) !== i);
  if (duplicate) throw new ReportError(`Two charts share the id "${duplicate.id}"`, 'Chart ids name their files; make the page give each chart a distinct id.');

  const colours = assignCountryColours(charts);
  const rendered = new Map<string, RenderedChart>();
  for (const chart of charts) {
    rendered.set(chart.id, await renderChart(chart, colours));
  }

  const cite = (sourceId: string) => {
    const source = model.source(sourceId);
    return source ? shortCitation(source) : sourceId;
  };
  const files: SiteFile[] = [{ path: paths.css, body: await readFile(STYLESHEET, 'utf8') }];
  for (const page of pages) {
    const body = page.body({
      figure: (chart) => figureHtml(rendered.get(chart.id)!, page.path, cite),
      href: (to) => relativeHref(page.path, to),
      cite,
    });
    files.push({ path: page.path, body: layout(model, page, body) }, ...(page.files ?? []));
  }
  for (const r of rendered.values()) files.push(r.csv, r.spec);
  return files;
}

/**
 * Write the files into a fresh folder beside `outDir`, then swap it in: rename the old site aside,
 * rename the new one into place, delete the old one. A build that fails before the swap leaves the
 * previous site exactly as it was.
 */
export async function writeSiteFolder(outDir: string, files: readonly SiteFile[]): Promise<number> {
  const target = resolve(outDir);
  const suffix = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const staging = join(dirname(target), `.${basename(target)}.tmp-${suffix}`);
  const retired = join(dirname(target), `.${basename(target)}.old-${suffix}`);
  let bytes = 0;
  try {
    for (const file of files) {
      const path = join(staging, ...file.path.split('/'));
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, file.body);
      bytes += Buffer.byteLength(file.body);
    }
    const hadSite = await stat(target).then(() => true, () => false);
    if (hadSite) await rename(target, retired);
    try {
      await rename(staging, target);
    } catch (cause) {
      if (hadSite) await rename(retired, target);
      throw cause;
    }
    if (hadSite) await rm(retired, { recursive: true, force: true });
    return bytes;
  } catch (cause) {
    await rm(staging, { recursive: true, force: true });
    throw new StoreError(`Could not write the site to ${target}: ${(cause as Error).message}`, 'Check that the folder and its parent are writable; the previous site is unchanged.', { cause });
  }
}

/** Build the static report site from the lake tables in `store` into `outDir`. */
export async function buildSite(options: BuildSiteOptions): Promise<BuildSummary> {
  const { store, outDir, onProgress } = options;
  try {
    const data = await loadSiteData(store);
    onProgress?.(`read ${Object.values(data).reduce((n, rows) => n + rows.length, 0)} rows from ${store.location}`);
    const model = buildModel(data, options.builtAt ?? new Date());
    const pages = planPages(model);
    const charts = pages.reduce((n, p) => n + p.charts.length, 0);
    const files = await renderSite(model, pages);
    onProgress?.(`rendered ${pages.length} pages and ${charts} charts`);
    const bytes = await writeSiteFolder(outDir, files);
    onProgress?.(`wrote ${files.length} files to ${outDir}`);
    return { pages: pages.length, charts, bytes };
  } catch (cause) {
    if (cause instanceof ChainwatchError) throw cause;
    throw new ReportError(`The report build failed: ${(cause as Error).message}`, `The previous site in ${outDir} is unchanged. If the lake tables look right, this is a bug in the report builder.`, { cause });
  }
}
