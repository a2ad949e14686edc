import type { ProductionConcentrationRow } from '../../../../data-schemas/index.ts';
import type { ChartDef } from '../charts/chart.ts';
import { productionBarsChart } from '../charts/production-bars.ts';
import { productionSharesChart } from '../charts/production-shares.ts';
import { stageCr3Chart } from '../charts/stage-cr3.ts';
import { figureValue, formatShare } from '../format.ts';
import { html } from '../html.ts';
import type { SiteModel } from '../model.ts';
import type { PagePlan } from '../page.ts';
import { paths, slug } from '../paths.ts';
import { drawnSeries, seriesKey, type ShareSeriesGroup } from '../production-series.ts';
import { humanize, seriesName } from '../sectors.ts';
import { sourceLink } from './parts.ts';

/** Countries drawn per production chart; the CSV of the chart has exactly these. */
const MAX_GEOS = 6;
/** A top-3 share over fewer countries than this says nothing about concentration. */
const MIN_COUNTRIES_FOR_CR3 = 3;
/** Supply-chain stages in the IEA-style concentration view (reserves and demand are not production). */
const CR3_STAGES = ['mining', 'refining', 'manufacturing'];

/** A commodity with world-share series: one production page each. */
export interface Commodity {
  id: string;
  sector: string;
  groups: ShareSeriesGroup[];
}

/** Every commodity with at least one drawn world-share series, in sector order. */
export function commodities(model: SiteModel): Commodity[] {
  const out: Commodity[] = [];
  for (const sector of model.sectors) {
    for (const g of drawnSeries(model.data.productionShares, sector.id).drawn) {
      const c =
        out.find((x) => x.id === g.commodity) ?? out[out.push({ id: g.commodity, sector: sector.id, groups: [] }) - 1];
      c.groups.push(g);
    }
  }
  return out;
}

/** A series' chart: lines over time, or bars when it has a single year. */
function seriesChart(g: ShareSeriesGroup): ChartDef {
  const input = {
    id: `production-${slug(g.commodity)}-${slug(g.measure)}`,
    subject: seriesName(g.commodity, g.measure),
    rows: g.rows,
    maxGeos: MAX_GEOS,
  };
  return new Set(g.rows.map((r) => r.year)).size > 1 ? productionSharesChart(input) : productionBarsChart(input);
}

/** Concentration rows of drawn series at production stages, over enough countries to mean something. */
export function cr3Rows(model: SiteModel, keys: ReadonlySet<string>): ProductionConcentrationRow[] {
  return model.data.productionConcentration.filter(
    (r) => CR3_STAGES.includes(r.stage) && keys.has(seriesKey(r)) && r.n_countries >= MIN_COUNTRIES_FOR_CR3,
  );
}

const commodityLabel = (id: string) => humanize(id);

export function productionPage(model: SiteModel, commodity: Commodity): PagePlan {
  const charts = commodity.groups.map(seriesChart);
  const keys = new Set(commodity.groups.map(seriesKey));
  const concentration = cr3Rows(model, keys)
    .filter((r) => r.commodity === commodity.id)
    .sort(
      (a, b) =>
        a.stage.localeCompare(b.stage) ||
        a.measure.localeCompare(b.measure) ||
        a.source_id.localeCompare(b.source_id) ||
        a.year - b.year,
    );
  const trend = model.data.productionTrend
    .filter(
      (t) =>
        t.commodity === commodity.id &&
        keys.has(seriesKey(t)) &&
        charts.some((c) => c.countries.includes(t.geo_iso3)) &&
        t.n_years > 1,
    )
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
          html`<tr><td>${r.stage}</td><td>${seriesName(r.commodity, r.measure)}</td><td>${r.year}</td><td class="num">${r.n_countries}</td><td class="num">${figureValue(r.cr3, formatShare(r.cr3))}</td><td class="num">${figureValue(r.hhi, r.hhi.toFixed(3))}</td><td>${model.countryName(r.top_geo_iso3)}</td><td>${sourceLink(ctx, r.source_id)}</td></tr>`,
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

export function productionIndexPage(model: SiteModel, list: readonly Commodity[]): PagePlan {
  const keys = new Set(list.flatMap((c) => c.groups.map(seriesKey)));
  const rows = cr3Rows(model, keys);
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
        html`<tr><td><a href="${ctx.href(paths.production(c.id))}">${commodityLabel(c.id)}</a></td><td>${model.sectors.find((s) => s.id === c.sector)?.label ?? c.sector}</td><td>${c.groups.map((g, i) => html`${i > 0 ? '; ' : ''}${seriesName(g.commodity, g.measure)} (${g.stage})`)}</td></tr>`,
    )}</tbody>
</table></div>`,
  };
}
