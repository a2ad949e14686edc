import { shortCitation } from '../citations.ts';
import type {
  ProductionConcentrationRow,
  ProductionShareRow,
  ProductionTrendRow,
} from '../../../../data-schemas/index.ts';
import type { ChartDef } from '../charts/chart.ts';
import { productionBarsChart } from '../charts/production-bars.ts';
import { productionSharesChart } from '../charts/production-shares.ts';
import { stageCr3Chart } from '../charts/stage-cr3.ts';
import { estimatedYear, figureValue, formatShare } from '../format.ts';
import { html } from '../html.ts';
import type { SiteModel } from '../model.ts';
import type { PagePlan } from '../page.ts';
import type { Row } from '../../seams/query-engine.ts';
import type { PageFamily, PageRows } from '../page-data.ts';
import { paths, slug } from '../paths.ts';
import { drawnSeries, seriesKey, type ShareSeriesGroup, type WorldShareSeries } from '../production-series.ts';
import { humanize, seriesName } from '../sectors.ts';
import { sourceLink } from './parts.ts';

/** Countries drawn per production chart; the CSV of the chart has exactly these. */
const MAX_GEOS = 6;
/** A top-3 share over fewer countries than this says nothing about concentration. */
const MIN_COUNTRIES_FOR_CR3 = 3;
/** Supply-chain stages in the IEA-style concentration view (reserves and demand are not production). */
const CR3_STAGES = ['mining', 'refining', 'manufacturing'];

/**
 * One production page per commodity with a world-share series worth a chart. The commodity family's
 * queries (sql/report/commodity_*.sql, ordered by commodity) give every series of the commodity:
 * shares by country and year, concentration by stage, first-to-last change. The same rows tell the
 * sector pages which series are drawn and what their headline figures are.
 */
export const commodityFamily = {
  key: 'commodity',
  queries: { shares: 'commodity_shares', concentration: 'commodity_concentration', trends: 'commodity_trends' },
} satisfies PageFamily<string>;

export type CommodityRows = PageRows<keyof typeof commodityFamily.queries>;

/** A commodity's world-share series in one sector. */
export interface SectorSeries extends WorldShareSeries {
  sector: string;
  drawn: ShareSeriesGroup[];
}

/** A commodity with world-share series: one production page each. */
export interface Commodity {
  id: string;
  /** The first sector (in site order) that draws a series of it. */
  sector: string;
  groups: ShareSeriesGroup[];
}

/** A commodity's series, sector by sector in site order (a commodity may span sectors; each deduplicates its own). */
export function commoditySeries(model: SiteModel, shares: readonly Row[]): SectorSeries[] {
  const rows = shares as unknown as ProductionShareRow[];
  return model.sectors.flatMap((sector) => {
    const mine = rows.filter((r) => r.sector === sector.id);
    return mine.length === 0 ? [] : [{ sector: sector.id, ...drawnSeries(mine, sector.id) }];
  });
}

/** The commodity's page, when a sector draws one of its series. */
export function commodityOf(id: string, series: readonly SectorSeries[]): Commodity | null {
  const drawing = series.filter((s) => s.drawn.length > 0);
  return drawing.length === 0 ? null : { id, sector: drawing[0].sector, groups: drawing.flatMap((s) => s.drawn) };
}

const sourceNameIn = (model: SiteModel) => (id: string) => {
  const source = model.source(id);
  return source ? shortCitation(source) : id;
};

/** A series' chart: lines over time, or bars when it has a single year. */
function seriesChart(model: SiteModel, g: ShareSeriesGroup): ChartDef {
  const input = {
    sourceName: sourceNameIn(model),
    // The measure in words (hyphens): the id is the chart's anchor, read out in its citation's address.
    id: `production-${slug(g.commodity)}-${slug(g.measure).replaceAll('_', '-')}`,
    subject: seriesName(g.commodity, g.measure),
    rows: g.rows,
    maxGeos: MAX_GEOS,
  };
  return new Set(g.rows.map((r) => r.year)).size > 1 ? productionSharesChart(input) : productionBarsChart(input);
}

/**
 * Whole-industry capacity series (fab or wafer capacity, not one technology node's): a page that has
 * them leads with them, since capacity by region is what the chips claims are about.
 */
const isCapacitySeries = (g: ShareSeriesGroup) => /capacity/.test(g.measure) && !/\d+nm(_|$)/.test(g.measure);

/**
 * A commodity page's charts, capacity first. Several whole-industry capacity measures (fab capacity
 * from one set of sources, wafer capacity from IC Insights) are one chart of capacity share by region:
 * each source and measure its own marks, points for the years it gives, no line across a year
 * without a figure, "largest" within one source and year.
 */
export function commodityCharts(model: SiteModel, commodity: Commodity): ChartDef[] {
  const capacity = commodity.groups.filter(isCapacitySeries);
  const others = commodity.groups.filter((g) => !isCapacitySeries(g)).map((g) => seriesChart(model, g));
  if (capacity.length < 2) return [...capacity.map((g) => seriesChart(model, g)), ...others];
  const merged = productionSharesChart({
    id: `production-${slug(commodity.id)}-capacity`,
    subject: `${commodityLabel(commodity.id)} capacity`,
    rows: capacity.flatMap((g) => g.rows),
    maxGeos: MAX_GEOS,
    sourceName: sourceNameIn(model),
    measureName: (measure) => seriesName(commodity.id, measure),
  });
  return [merged, ...others];
}

const commodityLabel = (id: string) => humanize(id);

/** Concentration rows of drawn series at production stages, over enough countries to mean something. */
export function cr3Rows(
  rows: readonly ProductionConcentrationRow[],
  keys: ReadonlySet<string>,
): ProductionConcentrationRow[] {
  return rows.filter(
    (r) => CR3_STAGES.includes(r.stage) && keys.has(seriesKey(r)) && r.n_countries >= MIN_COUNTRIES_FOR_CR3,
  );
}

/** The table's own order (production_concentration.sql's ORDER BY), which the CR3 charts break ties by. */
export const byTableOrder = (a: ProductionConcentrationRow, b: ProductionConcentrationRow): number => {
  for (const k of ['sector', 'commodity', 'stage', 'measure', 'source_id'] as const)
    if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
  return a.year - b.year;
};

export function productionPage(model: SiteModel, commodity: Commodity, page: CommodityRows): PagePlan {
  const charts = commodityCharts(model, commodity);
  const keys = new Set(commodity.groups.map(seriesKey));
  const concentration = cr3Rows(page.rows.concentration as unknown as ProductionConcentrationRow[], keys).sort(
    (a, b) =>
      a.stage.localeCompare(b.stage) ||
      a.measure.localeCompare(b.measure) ||
      a.source_id.localeCompare(b.source_id) ||
      a.year - b.year,
  );
  const trend = (page.rows.trends as unknown as ProductionTrendRow[])
    .filter((t) => keys.has(seriesKey(t)) && charts.some((c) => c.countries.includes(t.geo_iso3)) && t.n_years > 1)
    .sort(
      (a, b) =>
        a.measure.localeCompare(b.measure) || a.source_id.localeCompare(b.source_id) || b.last_share - a.last_share,
    );
  const sector = model.sectors.find((s) => s.id === commodity.sector);
  const label = commodityLabel(commodity.id);
  return {
    path: paths.production(commodity.id),
    title: `${label}: production`,
    nav: 'production',
    charts,
    sourceIds: [...concentration.map((r) => r.source_id), ...trend.map((r) => r.source_id)],
    body: (ctx) => html`<h1>${label}: who produces it</h1>
<p class="lede">Share of world production, capacity or reserves by country, from the sources as published; each source and measure is its own series, because their bases differ. Sector: <a href="${ctx.href(paths.sector(commodity.sector))}">${sector?.label ?? commodity.sector}</a>.</p>
${charts.map((c) => ctx.figure(c))}
${
  concentration.length
    ? html`<section aria-labelledby="cr3"><h2 id="cr3">Concentration by stage</h2>
<p>Top-3 country share (CR3, the IEA’s measure) and HHI of each series by year; only series with at least ${MIN_COUNTRIES_FOR_CR3} countries.</p>
<div class="table-scroll"><table>
<thead><tr><th scope="col">Stage</th><th scope="col">Series</th><th scope="col">Year</th><th scope="col" class="num">Countries</th><th scope="col" class="num">CR3</th><th scope="col" class="num">HHI</th><th scope="col">Largest</th><th scope="col">Source</th></tr></thead>
<tbody>${concentration.map(
        (r) =>
          html`<tr><td>${r.stage}</td><td>${seriesName(r.commodity, r.measure)}</td><td>${estimatedYear(r.year, r.is_estimate)}</td><td class="num">${r.n_countries}</td><td class="num">${figureValue(r.cr3, formatShare(r.cr3))}</td><td class="num">${figureValue(r.hhi, r.hhi.toFixed(3))}</td><td>${model.countryName(r.top_geo_iso3)}</td><td>${sourceLink(ctx, r.source_id)}</td></tr>`,
      )}</tbody>
</table></div></section>`
    : ''
}
${
  trend.length
    ? html`<section aria-labelledby="trend"><h2 id="trend">Change over the series</h2>
<div class="table-scroll"><table>
<thead><tr><th scope="col">Series</th><th scope="col">Country</th><th scope="col">Years</th><th scope="col" class="num">First share</th><th scope="col" class="num">Last share</th><th scope="col" class="num">Change</th><th scope="col">Source</th></tr></thead>
<tbody>${trend.map(
        (t) =>
          html`<tr><td>${seriesName(t.commodity, t.measure)}</td><td>${model.countryName(t.geo_iso3)}</td><td>${t.first_year}–${t.last_year}</td><td class="num">${figureValue(t.first_share, formatShare(t.first_share))}</td><td class="num">${figureValue(t.last_share, formatShare(t.last_share))}</td><td class="num">${figureValue(t.change_pp, `${t.change_pp >= 0 ? '+' : '−'}${Math.abs(t.change_pp).toFixed(1)} pp`)}</td><td>${sourceLink(ctx, t.source_id)}</td></tr>`,
      )}</tbody>
</table></div></section>`
    : ''
}`,
  };
}

/** A commodity as the production index lists it: its page and the series drawn there. */
export interface CommodityListing {
  id: string;
  sector: string;
  series: Pick<ShareSeriesGroup, 'commodity' | 'measure' | 'stage'>[];
}

/** The production index: every commodity page, and CR3 by stage over every drawn series (`cr3`: their concentration rows). */
export function productionIndexPage(
  model: SiteModel,
  list: readonly CommodityListing[],
  cr3: readonly ProductionConcentrationRow[],
): PagePlan {
  const rows = [...cr3].sort(byTableOrder);
  const charts = rows.length ? [stageCr3Chart({ id: 'production-cr3', sectorLabel: 'All sectors', rows })] : [];
  return {
    path: paths.productionIndex,
    title: 'Production',
    nav: 'production',
    charts,
    sourceIds: [],
    body: (ctx) => html`<h1>Who produces what</h1>
<p class="lede">World production and capacity by country: mining, refining and manufacturing. Processing is often more concentrated than mining; the chart sets the stages side by side.</p>
${charts.map((c) => ctx.figure(c))}
<div class="table-scroll"><table>
<thead><tr><th scope="col">Commodity</th><th scope="col">Sector</th><th scope="col">Series</th></tr></thead>
<tbody>${list.map(
      (c) =>
        html`<tr><td><a href="${ctx.href(paths.production(c.id))}">${commodityLabel(c.id)}</a></td><td>${model.sectors.find((s) => s.id === c.sector)?.label ?? c.sector}</td><td>${c.series.map((g, i) => html`${i > 0 ? '; ' : ''}${seriesName(g.commodity, g.measure)} (${g.stage})`)}</td></tr>`,
    )}</tbody>
</table></div>`,
  };
}
