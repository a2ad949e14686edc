import type { Row } from '../../seams/query-engine.ts';
import type { ChartSource } from '../charts/chart.ts';
import { hhiLineChart } from '../charts/hhi-line.ts';
import { partnerStackChart } from '../charts/partner-stack.ts';
import { shareLinesChart, type ShareSeries } from '../charts/share-lines.ts';
import { toCsv } from '../csv.ts';
import type { SiteFile } from '../figure.ts';
import { figureValue, formatHhi, formatShare, formatUsd } from '../format.ts';
import { html, type SafeHtml } from '../html.ts';
import { UNCLASSIFIED_SECTOR, type SiteModel } from '../model.ts';
import type { PagePlan } from '../page.ts';
import type { PageFamily, PageRows } from '../page-data.ts';
import { paths, slug } from '../paths.ts';
import { NES_WARNING_SHARE, TOP_SUPPLIERS_SHOWN } from '../thresholds.ts';
import {
  columnsOf,
  supplierShares,
  type ConcentrationRow,
  type DependencyRow,
  type SupplierShareRow,
} from '../../../../data-schemas/index.ts';
import { note, sourceLinks } from './parts.ts';
import { mirrorGapPanel, monthlyPanel, worldSupplyPanel } from './product-panels.ts';

/**
 * One page per HS6 product with US import rows. Its rows come from the queries of the product
 * family (sql/report/product_*.sql), each ordered by hs6: the sources of its trade rows and its
 * basket entry, its concentration and dependency per year, every supplier in every year, the
 * suppliers its chart names, the Taiwan notes and the allies' exports.
 */
export const productFamily = {
  key: 'hs6',
  queries: {
    trade: 'product_trade',
    years: 'product_years',
    suppliers: 'product_suppliers',
    top: 'product_top_partners',
    notes: 'product_notes',
    allyExports: 'product_ally_exports',
    worldSupply: 'product_world_supply',
    mirror: 'product_mirror_gaps',
    monthly: 'product_monthly',
  },
} satisfies PageFamily<string>;

export type ProductRows = PageRows<keyof typeof productFamily.queries>;

/**
 * How many suppliers the partner chart and the mirror-gap panel name (:top_n), and whose monthly
 * series the monthly panel draws (:monthly_partner): US imports from China, the dependence watched.
 */
export const PRODUCT_QUERY_VALUES = { top_n: TOP_SUPPLIERS_SHOWN, monthly_partner: 'CHN' };

/** One year of a product: its concentration row, the dependency row of the year (when there is one) and the largest supplier's name. */
interface ProductYear
  extends Pick<
      ConcentrationRow,
      'year' | 'total_value_usd' | 'hhi' | 'cr1' | 'top_supplier_iso3' | 'n_suppliers' | 'nes_share'
    >,
    Partial<
      Pick<DependencyRow, 'china_share' | 'china_hkg_share' | 'ally_share' | 'covered_share' | 'covered_hkg_share'>
    > {
  has_dependency: boolean;
  top_supplier_name: string | null;
}

/** The dependency shares of a year that has them. */
type DependencyYear = ProductYear &
  Pick<DependencyRow, 'china_share' | 'china_hkg_share' | 'ally_share' | 'covered_share' | 'covered_hkg_share'>;

/** What the rest of the site keeps of a product page: its name, sector, sources and latest year. */
export interface Product {
  hs6: string;
  label: string;
  /** The HS heading's own wording (shortened), shown beside the code for analysts; null outside the basket. */
  hsWording: string | null;
  sector: string;
  stage: string;
  sourceIds: string[];
  /** The latest year with concentration figures; null when the metrics have none. */
  latest: ProductYear | null;
}

interface TradeRow {
  source_id: string;
  year: number;
  label: string | null;
  hs_wording: string | null;
  sector: string | null;
  stage: string | null;
}

const asRows = <T>(rows: Row[]): T[] => rows as unknown as T[];

/** The product a page is about, from its rows: the basket's name for it (or its code), its sector and its sources. */
export function productOf({ key, rows }: ProductRows): Product {
  const trade = asRows<TradeRow>(rows.trade);
  const entry = trade[0];
  const years = asRows<ProductYear>(rows.years);
  return {
    hs6: key,
    label: entry?.label ?? `HS ${key}`,
    hsWording: entry?.hs_wording ?? null,
    sector: entry?.sector ?? UNCLASSIFIED_SECTOR,
    stage: entry?.stage ?? 'trade',
    sourceIds: [...new Set(trade.map((t) => t.source_id))].sort(),
    latest: years.at(-1) ?? null,
  };
}

const dependencyOf = (y: ProductYear | undefined): DependencyYear | undefined =>
  y?.has_dependency ? (y as DependencyYear) : undefined;

/** How many of the latest year's suppliers the table lists; the CSV has them all. */
const TABLE_SUPPLIERS = 10;

/** Line labels naming each group's members from the partner_groups table, so the legend says who is in it. */
function shareSeries(model: SiteModel): ShareSeries[] {
  const rows = (group: string) => model.partnerGroups.filter((g) => g.group_id === group);
  const members = (group: string, except = '') =>
    rows(group)
      .map((g) => g.iso3)
      .filter((c) => c !== except)
      .sort()
      .join(', ');
  const validFrom = (group: string) => (rows(group).length ? Math.min(...rows(group).map((g) => g.valid_from)) : null);
  return [
    { key: 'cr1', label: 'Top supplier (CR1)', validFrom: null },
    { key: 'china_share', label: 'China', validFrom: null },
    {
      key: 'china_hkg_share',
      label: `China incl. ${members('CHINA_HKG_MAC', 'CHN')}`,
      validFrom: validFrom('CHINA_HKG_MAC'),
    },
    { key: 'ally_share', label: `Allies (${members('ALLY_2021_SC')})`, validFrom: validFrom('ALLY_2021_SC') },
    { key: 'covered_share', label: `Covered nations (${members('US_COVERED')})`, validFrom: validFrom('US_COVERED') },
  ];
}

/** The shock test: what share of a year's imports is at risk if a supplier or bloc stops, and whether allies' exports could cover it. */
interface Exposure {
  year: number;
  total: number;
  risks: { id: string; label: string; share: number }[];
  /** Allies' exports of the product to the world over US imports from China; null without export rows for the year. */
  allyCover: { ratio: number; exports: number; reporters: string[] } | null;
}

function exposureOf(model: SiteModel, c: ProductYear, allyExports: readonly AllyExportRow[]): Exposure {
  const d = dependencyOf(c);
  const risks = [
    {
      id: 'top',
      label: `the top supplier (${c.top_supplier_name ?? model.countryName(c.top_supplier_iso3)}) stops`,
      share: c.cr1,
    },
  ];
  if (d) {
    risks.push(
      { id: 'china', label: 'China stops', share: d.china_share },
      { id: 'china_hkg', label: 'China, Hong Kong and Macao stop', share: d.china_hkg_share },
      { id: 'covered', label: 'the covered nations stop (with Hong Kong and Macao)', share: d.covered_hkg_share },
    );
  }
  // Allies' exports of the year: summed over the allied reporters, listed in the order the query gives them.
  const exports = allyExports.filter((e) => e.year === c.year);
  const exported = exports.reduce((sum, e) => sum + e.value_usd, 0);
  const atRisk = (d?.china_share ?? 0) * c.total_value_usd;
  return {
    year: c.year,
    total: c.total_value_usd,
    risks,
    allyCover:
      exports.length > 0 && atRisk > 0
        ? { ratio: exported / atRisk, exports: exported, reporters: exports.map((e) => e.reporter_iso3) }
        : null,
  };
}

interface AllyExportRow {
  year: number;
  reporter_iso3: string;
  value_usd: number;
}

function exposureSection(model: SiteModel, e: Exposure): SafeHtml {
  return html`<section aria-labelledby="exposure"><h2 id="exposure">Exposure, ${model.tradeYear(e.year)}</h2>
<p>The share of ${formatUsd(e.total)} of US imports that would be at risk if:</p>
<dl class="key-figures">${e.risks.map(
    (r) =>
      html`<div><dt>${r.label}</dt><dd data-metric="risk_${r.id}">${figureValue(r.share, formatShare(r.share))} <span class="when">${formatUsd(r.share * e.total)}</span></dd></div>`,
  )}
<div><dt>Ally cover: allies’ exports to the world ÷ imports from China</dt><dd data-metric="ally_cover">${
    e.allyCover
      ? html`${figureValue(e.allyCover.ratio, `${e.allyCover.ratio.toFixed(1)}×`)} <span class="when">${formatUsd(e.allyCover.exports)} from ${e.allyCover.reporters.join(', ')}</span>`
      : html`<span class="missing">not available</span>`
  }</dd></div>
</dl>
${
  e.allyCover
    ? html`<p class="small">Allies already export ${e.allyCover.ratio.toFixed(1)} times what the US buys from China; that is capacity in principle, most of it sold to other buyers.</p>`
    : html`<p class="small">Ally cover is not available in the bundled data: it needs world export data for the allied countries (trade rows with flow X, from the Comtrade connector). It is left blank rather than estimated.</p>`
}
</section>`;
}

/** The file with every supplier row of the product: what an analyst recomputes HHI, CR1 and shares from. */
const suppliersCsvPath = (hs6: string) => paths.data(`product-${slug(hs6)}-suppliers.csv`);

export function productPage(model: SiteModel, product: Product, page: ProductRows): PagePlan {
  const { rows } = page;
  const years = asRows<ProductYear>(rows.years);
  const shares = asRows<SupplierShareRow>(rows.suppliers);
  const trade = asRows<TradeRow>(rows.trade);
  const sources: ChartSource[] = product.sourceIds.map((sourceId) => ({
    sourceId,
    years: trade.filter((t) => t.source_id === sourceId).map((t) => t.year),
  }));
  const id = (kind: string) => `product-${slug(product.hs6)}-${kind}`;
  const charts = [
    partnerStackChart({
      id: id('partners'),
      productLabel: product.label,
      hs6: product.hs6,
      shares,
      top: asRows<{ partner_iso3: string }>(rows.top).map((t) => t.partner_iso3),
      sources,
      yearText: model.tradeYear,
    }),
    hhiLineChart({
      id: id('hhi'),
      productLabel: product.label,
      hs6: product.hs6,
      concentration: years,
      sources,
      yearText: model.tradeYear,
    }),
    shareLinesChart({
      id: id('shares'),
      productLabel: product.label,
      hs6: product.hs6,
      concentration: years,
      dependency: years.flatMap((y) => dependencyOf(y) ?? []),
      series: shareSeries(model),
      sources,
      yearText: model.tradeYear,
    }),
  ].filter((c) => c.rows.length > 0);
  const panels = [
    worldSupplyPanel(model, product, rows.worldSupply),
    mirrorGapPanel(model, product, rows.mirror),
    monthlyPanel(model, product, PRODUCT_QUERY_VALUES.monthly_partner, rows.monthly),
  ].flatMap((p) => p ?? []);

  const firstYear = years.length ? Math.min(...years.map((y) => y.year)) : null;
  const groupNotes = shareSeries(model)
    .filter((s) => s.validFrom !== null && firstYear !== null && s.validFrom > firstYear)
    .map((s) => `${s.label}: defined from ${s.validFrom}.`);
  const latestConc = product.latest ?? undefined;
  const latestDep = dependencyOf(latestConc);
  const latestSuppliers = shares.filter((s) => s.year === latestConc?.year).sort((a, b) => a.rank - b.rank);
  const sector = model.sectors.find((s) => s.id === product.sector);
  const mapped490 = asRows<{ note: string }>(rows.notes).map((n) => n.note);
  const exposure = latestConc ? exposureOf(model, latestConc, asRows<AllyExportRow>(rows.allyExports)) : null;
  const suppliersFile: SiteFile = {
    path: suppliersCsvPath(product.hs6),
    body: toCsv(
      columnsOf(supplierShares).map((c) => c.name),
      shares,
    ),
  };
  const yearSpan = years.map((y) => y.year);

  return {
    path: paths.product(product.hs6),
    title: `${product.label} (HS ${product.hs6})`,
    nav: 'products',
    charts: [...charts, ...panels.map((p) => p.chart)],
    sourceIds: [...new Set([...product.sourceIds, ...panels.flatMap((p) => p.sourceIds)])].sort(),
    files: [suppliersFile],
    body: (ctx) => html`<h1>${product.label} <span class="code">HS ${product.hs6}</span></h1>
<p class="lede">US imports by supplier country, ${yearSpan.length ? `${Math.min(...yearSpan)}–${Math.max(...yearSpan)}` : 'no years'}. Sector: <a href="${ctx.href(paths.sector(product.sector))}">${sector?.label ?? product.sector}</a>; supply-chain stage: ${product.stage}. Source: ${sourceLinks(ctx, product.sourceIds)}.</p>
${product.hsWording && product.hsWording !== product.label ? html`<p class="small">HS heading ${product.hs6} in the nomenclature’s own words (shortened): ${product.hsWording}.</p>` : ''}
${
  latestConc
    ? html`<section aria-labelledby="key-figures"><h2 id="key-figures">Key figures, ${model.tradeYear(latestConc.year)}</h2>
<dl class="key-figures">
<div><dt>US imports</dt><dd>${figureValue(latestConc.total_value_usd, formatUsd(latestConc.total_value_usd))}</dd></div>
<div><dt>Supplier concentration (HHI)</dt><dd data-metric="hhi">${figureValue(latestConc.hhi, formatHhi(latestConc.hhi))}</dd></div>
<div><dt>Top supplier share (CR1)</dt><dd data-metric="cr1">${figureValue(latestConc.cr1, formatShare(latestConc.cr1))} <span class="when">${latestSuppliers[0]?.partner_name ?? latestConc.top_supplier_iso3}</span></dd></div>
${
  latestDep
    ? html`<div><dt>China</dt><dd data-metric="china_share">${figureValue(latestDep.china_share, formatShare(latestDep.china_share))}</dd></div>
<div><dt>China incl. Hong Kong and Macao</dt><dd data-metric="china_hkg_share">${figureValue(latestDep.china_hkg_share, formatShare(latestDep.china_hkg_share))}</dd></div>
<div><dt>Allies (seed article)</dt><dd data-metric="ally_share">${figureValue(latestDep.ally_share, formatShare(latestDep.ally_share))}</dd></div>`
    : ''
}
<div><dt>Supplier countries</dt><dd data-metric="n_suppliers">${figureValue(latestConc.n_suppliers, String(latestConc.n_suppliers))}</dd></div>
</dl></section>`
    : note(
        'No concentration rows',
        html`<p>The metrics tables have no rows for this product; run the metrics step.</p>`,
      )
}
${sector?.tradeCaveat ? note('What these import figures do not measure', html`<p>${sector.tradeCaveat}</p>`) : ''}
${exposure ? exposureSection(model, exposure) : ''}
${latestConc && latestConc.nes_share > NES_WARNING_SHARE ? note('Unallocated trade', html`<p>${formatShare(latestConc.nes_share)} of the ${model.tradeYear(latestConc.year)} value was reported against “areas not elsewhere specified” and is left out of the supplier shares.</p>`) : ''}
${mapped490.length > 0 ? note('Taiwan', html`<p>UN Comtrade publishes Taiwan as “Other Asia, nes” (partner code 490); those rows are counted as Taiwan here.</p><p class="small">Ingest note: ${mapped490.join('; ')}.</p>`) : ''}
${groupNotes.length > 0 ? note('Partner groups', html`<p>${groupNotes.map((g, i) => html`${i > 0 ? ' ' : ''}${g}`)} The metrics count a group only from its first year, so earlier years are left out of the chart rather than drawn as zero.</p>`) : ''}
${charts.map((c) => ctx.figure(c))}
${panels.map((p) => p.body(ctx))}
<section aria-labelledby="suppliers"><h2 id="suppliers">Largest suppliers, ${latestConc ? model.tradeYear(latestConc.year) : ''}</h2>
<div class="table-scroll"><table class="suppliers">
<thead><tr><th scope="col">Rank</th><th scope="col">Supplier</th><th scope="col" class="num">US imports</th><th scope="col" class="num">Share</th></tr></thead>
<tbody>${latestSuppliers
      .slice(0, TABLE_SUPPLIERS)
      .map(
        (s) =>
          html`<tr><td>${s.rank}</td><td>${s.partner_name} <span class="code">${s.partner_iso3}</span></td><td class="num">${figureValue(s.value_usd, formatUsd(s.value_usd))}</td><td class="num">${figureValue(s.share, formatShare(s.share))}</td></tr>`,
      )}</tbody>
</table></div>
<p class="chart-meta">${latestSuppliers.length} supplier countries in ${latestConc?.year ?? 'the latest year'}; aggregates (World, “nes” areas) are never counted as suppliers. <a href="${ctx.href(suppliersFile.path)}" download>Every supplier, every year (CSV)</a> — HHI, CR1 and the China share above can be recomputed from it.</p>
</section>`,
  };
}
