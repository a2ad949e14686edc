import type { Row } from '../../seams/query-engine.ts';
import type { ChartDef } from '../charts/chart.ts';
import { mirrorGapChart, type MirrorGapRow } from '../charts/mirror-gap.ts';
import { monthlyAnomaliesChart, type MonthlyRow } from '../charts/monthly-anomalies.ts';
import { worldSupplyChart, type WorldSupplyYear } from '../charts/world-supply.ts';
import { figureValue, formatHhi, formatShare, formatUsd } from '../format.ts';
import { html, type SafeHtml } from '../html.ts';
import type { SiteModel } from '../model.ts';
import type { PageContext } from '../page.ts';
import { paths, slug } from '../paths.ts';
import { sourceLinks } from './parts.ts';

/**
 * The panels a product page gains where the lake has the data: world supply with the two-sided
 * view, mirror gaps, and the monthly series with its anomalies. Each is absent (no heading, no
 * chart) for a product without rows, and says where its numbers come from.
 */
export interface ProductPanel {
  chart: ChartDef;
  sourceIds: string[];
  body(ctx: PageContext): SafeHtml;
}

interface PanelProduct {
  hs6: string;
  label: string;
}

const asRows = <T>(rows: Row[]): T[] => rows as unknown as T[];
const chartId = (hs6: string, kind: string) => `product-${slug(hs6)}-${kind}`;
/** Chart sources: each source id with the years of its rows. */
const sourcesOf = (rows: readonly { source_id: string; year: number }[]) =>
  [...new Set(rows.map((r) => r.source_id))].sort().map((sourceId) => ({
    sourceId,
    years: rows.filter((r) => r.source_id === sourceId).map((r) => r.year),
  }));

interface WorldSupplyRow extends WorldSupplyYear {
  world_product_code: string;
  world_product_level: string;
  dataset: string;
  source_id: string;
  coverage: string;
  n_countries: number;
  world_value_usd: number;
  world_hhi: number;
  us_import_hhi: number | null;
  two_sided_threshold: number | null;
  classification: string | null;
}

const CLASSIFICATION_WORDS: Record<string, string> = {
  global: 'global: world supply itself is concentrated',
  economy_specific: 'economy-specific: many suppliers exist, the US relies on a few',
  not_concentrated: 'US imports not concentrated',
  not_computable: 'not computable: no world figure',
};

const COVERAGE_WORDS: Record<string, string> = {
  complete: 'every exporter',
  top_flows: 'the largest bilateral flows (BACI, trimmed)',
  reporters: 'the countries that report to Comtrade',
  country_list: 'a list of exporting countries',
};

export function worldSupplyPanel(model: SiteModel, product: PanelProduct, raw: Row[]): ProductPanel | null {
  const years = asRows<WorldSupplyRow>(raw);
  const last = years.at(-1);
  if (!last) return null;
  const worldProduct =
    last.world_product_level === 'HS6' ? `HS6 ${last.world_product_code}` : `HS4 heading ${last.world_product_code}`;
  const chart = worldSupplyChart({
    id: chartId(product.hs6, 'world-supply'),
    productLabel: product.label,
    hs6: product.hs6,
    worldProduct,
    years,
    sources: sourcesOf(years),
  });
  const sourceIds = [...new Set(years.map((y) => y.source_id))].sort();
  const threshold = years.find((y) => y.two_sided_threshold !== null)?.two_sided_threshold ?? undefined;
  return {
    chart,
    sourceIds,
    body: (ctx) => html`<section aria-labelledby="world-supply"><h2 id="world-supply">World supply</h2>
<p>Who exports ${worldProduct} to the whole world, and how that compares with who supplies the US. World exports come from ${sourceLinks(ctx, sourceIds)} (dataset <span class="code">${last.dataset}</span>, listing ${COVERAGE_WORDS[last.coverage] ?? last.coverage}; exports are valued FOB).${last.world_product_level === 'HS6' ? '' : ' Only the HS4 heading is covered, so the world figures are for the heading, not this HS6 product alone.'}</p>
<dl class="key-figures">
<div><dt>China, share of world exports, ${last.year}</dt><dd data-metric="world_china_share">${figureValue(last.world_china_share, formatShare(last.world_china_share))}</dd></div>
<div><dt>Largest exporter</dt><dd data-metric="world_cr1">${figureValue(last.world_cr1, formatShare(last.world_cr1))} <span class="when">${model.countryName(last.world_top_iso3)}</span></dd></div>
<div><dt>World export concentration (HHI)</dt><dd data-metric="world_hhi">${figureValue(last.world_hhi, formatHhi(last.world_hhi))}</dd></div>
</dl>
${ctx.figure(chart)}
<div class="table-scroll"><table>
<caption>Two-sided view: concentration of US imports against concentration of world exports (McKinsey Global Institute 2023${threshold === undefined ? '' : `, HHI ${threshold} on both sides`})</caption>
<thead><tr><th scope="col">Year</th><th scope="col" class="num">China, world exports</th><th scope="col" class="num">China, US imports</th><th scope="col" class="num">World-export HHI</th><th scope="col" class="num">US-import HHI</th><th scope="col">Classification</th></tr></thead>
<tbody>${years.map(
      (y) =>
        html`<tr><td>${y.year}</td><td class="num">${figureValue(y.world_china_share, formatShare(y.world_china_share))}</td><td class="num">${y.us_china_share === null ? html`<span class="missing">no US data</span>` : figureValue(y.us_china_share, formatShare(y.us_china_share))}</td><td class="num">${figureValue(y.world_hhi, y.world_hhi.toFixed(3))}</td><td class="num">${y.us_import_hhi === null ? html`<span class="missing">no US data</span>` : figureValue(y.us_import_hhi, y.us_import_hhi.toFixed(3))}</td><td>${y.classification ? (CLASSIFICATION_WORDS[y.classification] ?? y.classification) : html`<span class="missing">no US data</span>`}</td></tr>`,
    )}</tbody>
</table></div>
<p class="small">SQL: <a href="${ctx.href(paths.sql('world_supply'))}">world_supply.sql</a>, <a href="${ctx.href(paths.sql('supply_two_sided'))}">supply_two_sided.sql</a>. The <a href="${ctx.href(paths.screen)}">dependency screen</a> uses these figures.</p>
</section>`,
  };
}

interface MirrorRow extends Omit<MirrorGapRow, 'exporter_name'> {
  import_basis: string;
  export_basis: string;
  source_id: string;
  note: string | null;
}

export function mirrorGapPanel(model: SiteModel, product: PanelProduct, raw: Row[]): ProductPanel | null {
  const rows = asRows<MirrorRow>(raw).map((r) => ({ ...r, exporter_name: model.countryName(r.exporter_iso3) }));
  if (rows.length === 0) return null;
  const chart = mirrorGapChart({
    id: chartId(product.hs6, 'mirror-gap'),
    productLabel: product.label,
    hs6: product.hs6,
    rows,
    sources: sourcesOf(rows),
  });
  const sourceIds = [...new Set(rows.map((r) => r.source_id))].sort();
  const notes = [...new Set(rows.flatMap((r) => (r.note ? [`${r.exporter_name}: ${r.note}`] : [])))];
  return {
    chart,
    sourceIds,
    body: (ctx) => html`<section aria-labelledby="mirror-gap"><h2 id="mirror-gap">Mirror gap</h2>
<p>The same trade counted twice: by the US as imports and by each exporter as exports to the US (${sourceLinks(ctx, sourceIds)}). The two figures rarely agree, for known reasons. <strong>Valuation:</strong> exporters value goods FOB (free on board, at their own border); most importers value them CIF (cost, insurance and freight to their border), which alone makes imports larger; the US customs value used here leaves freight and insurance out, so that part of the gap is small. <strong>Timing:</strong> goods shipped in late December arrive in January and fall in different years on the two sides. <strong>Re-exports:</strong> goods routed through a third country (Hong Kong, say) are recorded by the US under their origin but by the exporter as sold to the intermediary, or the reverse. And either side can misreport. A positive gap means the exporter declares more than the US records.</p>
${ctx.figure(chart)}
<div class="table-scroll"><table>
<caption>Largest exporters by US-reported imports: both declared values</caption>
<thead><tr><th scope="col">Exporter</th><th scope="col">Year</th><th scope="col" class="num">US-reported imports</th><th scope="col" class="num">Exporter-reported exports</th><th scope="col" class="num">Gap</th><th scope="col" class="num">Gap, %</th></tr></thead>
<tbody>${rows.map(
      (r) =>
        html`<tr data-mirror="${r.exporter_iso3}-${r.year}"><td>${r.exporter_name} <span class="code">${r.exporter_iso3}</span></td><td>${r.year}</td><td class="num">${figureValue(r.import_reported_usd, formatUsd(r.import_reported_usd))} <span class="when">${r.import_basis}</span></td><td class="num">${figureValue(r.export_reported_usd, formatUsd(r.export_reported_usd))} <span class="when">${r.export_basis}</span></td><td class="num">${figureValue(r.gap_usd, formatUsd(r.gap_usd))}</td><td class="num">${figureValue(r.gap_pct, `${r.gap_pct >= 0 ? '+' : '−'}${formatShare(Math.abs(r.gap_pct))}`)}</td></tr>`,
    )}</tbody>
</table></div>
${notes.length ? html`<p class="small">Ingest notes: ${notes.join(' ')}</p>` : ''}
<p class="small">SQL: <a href="${ctx.href(paths.sql('mirror_gaps'))}">mirror_gaps.sql</a>; exporters with only one side declared are left out.</p>
</section>`,
  };
}

interface MonthRow extends MonthlyRow {
  source_id: string;
  share: number | null;
  share_shift_pp: number | null;
  is_share_anomaly: boolean;
}

export function monthlyPanel(
  model: SiteModel,
  product: PanelProduct,
  partner: string,
  raw: Row[],
): ProductPanel | null {
  const months = asRows<MonthRow>(raw);
  if (months.length === 0) return null;
  const partnerName = model.countryName(partner);
  const chart = monthlyAnomaliesChart({
    id: chartId(product.hs6, 'monthly'),
    productLabel: product.label,
    hs6: product.hs6,
    partnerName,
    months,
    sources: sourcesOf(months),
  });
  const sourceIds = [...new Set(months.map((m) => m.source_id))].sort();
  const flagged = months.filter((m) => m.is_anomaly || m.is_share_anomaly);
  const monthName = (m: MonthRow) => `${m.year}-${String(m.month).padStart(2, '0')}`;
  return {
    chart,
    sourceIds,
    body: (ctx) => html`<section aria-labelledby="monthly"><h2 id="monthly">Monthly early warning</h2>
<p>US imports from ${partnerName} month by month (${sourceLinks(ctx, sourceIds)}). A month is flagged when it lies more than two standard deviations from the mean of the 24 months before it; a month without all 24 before it is never flagged.</p>
${ctx.figure(chart)}
${
  flagged.length
    ? html`<div class="table-scroll"><table>
<caption>Flagged months</caption>
<thead><tr><th scope="col">Month</th><th scope="col" class="num">US imports</th><th scope="col" class="num">Trailing 24-month mean</th><th scope="col" class="num">z-score</th></tr></thead>
<tbody>${flagged.map(
        (m) =>
          html`<tr data-anomaly="${monthName(m)}"><td>${monthName(m)}</td><td class="num">${figureValue(m.value_usd, formatUsd(m.value_usd))}</td><td class="num">${m.trailing_mean === null ? '' : figureValue(m.trailing_mean, formatUsd(m.trailing_mean))}</td><td class="num">${m.z_score === null ? '' : figureValue(m.z_score, m.z_score.toFixed(2))}</td></tr>`,
      )}</tbody>
</table></div>`
    : html`<p>No month lies outside its band.</p>`
}
<p class="small">SQL: <a href="${ctx.href(paths.sql('monthly_anomalies'))}">monthly_anomalies.sql</a>.</p>
</section>`,
  };
}
