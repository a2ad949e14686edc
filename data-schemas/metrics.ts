import { z } from 'zod';
import { col, defineTable } from './table.ts';

const nullable = <T extends z.ZodType>(t: T) => t.nullable().describe(t.description ?? '');

/** Keys shared by every trade metric: one cell = reporter × product × flow × year. */
const tradeCell = {
  reporter_iso3: col.string('Reporting country, ISO3.'),
  hs6: col.string('HS 6-digit product code.'),
  flow: col.string("'M' imports (suppliers are partners) or 'X' exports."),
  year: col.int('Reference year (annual rows only).'),
};

const tradeCellSources = defineTable({
  name: 'trade_cell_sources',
  zone: 'metrics',
  description: 'The one ingest source each trade cell is computed from (comtrade, then bundled, then census).',
  partitionKeys: [],
  schema: z.object({
    ...tradeCell,
    source: col.string(
      'Ingest source whose rows the cell’s metrics use; values of different sources are never added up.',
    ),
  }),
});

export const supplierShares = defineTable({
  name: 'supplier_shares',
  zone: 'metrics',
  description: 'Each supplier’s value, share and rank in a cell; aggregates excluded, 490 mapped to TWN.',
  partitionKeys: [],
  schema: z.object({
    ...tradeCell,
    partner_iso3: col.string('Supplier country, ISO3.'),
    partner_name: col.string('Supplier name.'),
    value_usd: col.double('Trade value, US dollars.'),
    share: col.double('value_usd / total over valid supplier countries in the cell (0–1).'),
    rank: col.int('1 = largest supplier; ties broken by value desc, then ISO3.'),
  }),
});

export const concentration = defineTable({
  name: 'concentration',
  zone: 'metrics',
  description: 'Supplier concentration per cell: HHI (0–1 and points), CR1, CR3, effective suppliers, top supplier.',
  partitionKeys: [],
  schema: z.object({
    ...tradeCell,
    n_suppliers: col.int('Number of supplier countries with value > 0.'),
    total_value_usd: col.double('Sum over supplier countries (aggregates excluded), US dollars.'),
    hhi: col.double('Herfindahl–Hirschman index on shares, 0–1 (Σ s²).'),
    hhi_points: col.double('HHI on the antitrust 0–10,000 scale.'),
    cr1: col.double('Share of the largest supplier.'),
    cr3: col.double('Share of the three largest suppliers.'),
    n_eff: col.double('Effective number of suppliers, 1 / HHI.'),
    hhi_norm: nullable(col.double('Normalized HHI (HHI − 1/N)/(1 − 1/N); null when N = 1.')),
    top_supplier_iso3: col.string('Largest supplier, ISO3.'),
    nes_share: col.double('Value reported against "nes" areas / (countries + nes); warn above 0.05.'),
  }),
});

export const dependency = defineTable({
  name: 'dependency',
  zone: 'metrics',
  description:
    'Share of a cell’s value from China, allies, US covered nations, with and without Hong Kong/Macao merged into China.',
  partitionKeys: [],
  schema: z.object({
    ...tradeCell,
    total_value_usd: col.double('Sum over supplier countries, US dollars (same denominator as HHI).'),
    china_share: col.double('Share from CHN alone.'),
    china_hkg_share: col.double('Share from CHN + HKG + MAC (the china_incl_hkg toggle).'),
    ally_share: col.double('Share from ALLY_2021_SC (JPN, KOR, TWN, AUS).'),
    covered_share: col.double('Share from US_COVERED (CHN, RUS, IRN, PRK).'),
    covered_hkg_share: col.double('Covered-nations share with HKG and MAC merged into China.'),
    other_share: col.double('1 − ally_share − covered_share.'),
  }),
});

export const tradeTrend = defineTable({
  name: 'trade_trend',
  zone: 'metrics',
  description:
    'Per reporter × product × flow series: value CAGR, change and OLS slope of the China share, year over year.',
  partitionKeys: [],
  schema: z.object({
    ...tradeCell,
    total_value_usd: col.double('Sum over supplier countries in the year.'),
    yoy: nullable(col.double('total_value_usd / previous year − 1; null when the previous year is missing.')),
    china_share: col.double('Share from CHN in the year.'),
    china_share_change_pp: nullable(
      col.double('China share minus the previous year’s, in percentage points; null without the previous year.'),
    ),
    first_year: col.int('First year of the series.'),
    cagr: nullable(
      col.double(
        '(value / first-year value)^(1/(year − first_year)) − 1; null for the first year or when either end ≤ 0.',
      ),
    ),
    china_share_slope: nullable(
      col.double('OLS slope of the China share per year over the whole series; null with fewer than 5 years.'),
    ),
  }),
});

/** Keys shared by production series: one series = sector × commodity × measure × source. */
const productionSeries = {
  sector: col.string('Basket sector.'),
  commodity: col.string('Commodity or product group.'),
  stage: col.string('Supply-chain stage.'),
  measure: col.string('What is measured (mine_production, fab_capacity_share, …).'),
  source_id: col.string('Citation id; series from different sources are never mixed.'),
};

export const productionShares = defineTable({
  name: 'production_shares',
  zone: 'metrics',
  description:
    'Share of world per geo and year for production and capacity series, with year-over-year and 3-year mean.',
  partitionKeys: [],
  schema: z.object({
    ...productionSeries,
    geo_iso3: col.string('Country ISO3.'),
    geo_name: col.string('Country name.'),
    year: col.int('Year.'),
    value: col.double('Value in unit.'),
    unit: col.string('Unit of value.'),
    share: col.double(
      'Share of world, 0–1: the published share for share measures, else value / Σ countries (+ the OTH residual).',
    ),
    yoy: nullable(col.double('value / previous year − 1; null when the previous year is missing.')),
    share_roll3: nullable(col.double('Mean share over year−2…year; null unless all three years are present.')),
  }),
});

export const productionTrend = defineTable({
  name: 'production_trend',
  zone: 'metrics',
  description:
    'Per geo series: first and last share, change in percentage points, relative change, CAGR of the share, OLS slope.',
  partitionKeys: [],
  schema: z.object({
    ...productionSeries,
    geo_iso3: col.string('Country ISO3.'),
    first_year: col.int('First year with a value.'),
    last_year: col.int('Last year with a value.'),
    first_share: col.double('Share in first_year (0–1).'),
    last_share: col.double('Share in last_year (0–1).'),
    change_pp: col.double('(last_share − first_share) × 100, percentage points.'),
    relative_change: nullable(col.double('last_share / first_share − 1; null when first_share is 0.')),
    cagr: nullable(
      col.double(
        '(last/first)^(1/(last_year − first_year)) − 1 on the share; null when either end ≤ 0 or one year only.',
      ),
    ),
    slope: nullable(col.double('OLS slope of the share per year; null with fewer than 5 years.')),
    n_years: col.int('Number of years with a value.'),
  }),
});

export const productionConcentration = defineTable({
  name: 'production_concentration',
  zone: 'metrics',
  description: 'Concentration of production or capacity by stage and year (IEA-style top-3 share).',
  partitionKeys: [],
  schema: z.object({
    ...productionSeries,
    year: col.int('Year.'),
    n_countries: col.int('Countries with a value > 0.'),
    cr1: col.double('Share of the largest country.'),
    cr3: col.double('Share of the three largest countries.'),
    hhi: col.double('HHI on country shares, 0–1 (the OTH residual is not a country).'),
    top_geo_iso3: col.string('Largest country, ISO3.'),
  }),
});

export const metricTables = [
  tradeCellSources,
  supplierShares,
  concentration,
  dependency,
  tradeTrend,
  productionShares,
  productionTrend,
  productionConcentration,
] as const;

export type SupplierShareRow = z.infer<typeof supplierShares.schema>;
export type ConcentrationRow = z.infer<typeof concentration.schema>;
export type DependencyRow = z.infer<typeof dependency.schema>;
export type TradeTrendRow = z.infer<typeof tradeTrend.schema>;
export type ProductionShareRow = z.infer<typeof productionShares.schema>;
export type ProductionTrendRow = z.infer<typeof productionTrend.schema>;
export type ProductionConcentrationRow = z.infer<typeof productionConcentration.schema>;
