import { z } from 'zod';
import { production } from './curated.ts';
import { col, defineTable } from './table.ts';

const nullable = <T extends z.ZodType>(t: T) => t.nullable().describe(t.description ?? '');

/** Keys shared by every trade metric: one cell = reporter × product × flow × year. */
const tradeCell = {
  reporter_iso3: col.string('Reporting country, ISO3.'),
  hs6: col.string('HS 6-digit product code.'),
  flow: col.string("'M' imports (suppliers are partners) or 'X' exports."),
  year: col.int('Reference year (annual rows only).'),
};

/** Last column of every trade metric: the cell's flag, decided once in trade_cell_sources.sql. */
const provisionalCell = {
  provisional: col.boolean(
    'True when the cell may still be revised: its year is the source’s latest complete year (the latest with annual rows), or a value is estimated; the coverage table applies the same rule.',
  ),
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
    ...provisionalCell,
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
    ...provisionalCell,
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
    ...provisionalCell,
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
    ...provisionalCell,
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
    ...provisionalCell,
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
    'Shares per geo and year for production, capacity, reserves and published-share series, with year-over-year and 3-year mean. A share is a share of what its measure names: of world output or reserves for levels (mine_production, reserves: value / Σ countries + OTH), of world capacity or demand for *_capacity_share and *_demand_share, of US imports for *_us_import_source_share, of US consumption for *_us_net_import_reliance. Filter on measure before comparing shares.',
  partitionKeys: [],
  schema: z.object({
    ...productionSeries,
    geo_iso3: col.string('Country ISO3.'),
    geo_name: col.string('Country name.'),
    year: col.int('Year.'),
    value: col.double('Value in unit.'),
    unit: col.string('Unit of value.'),
    share: col.double(
      'Fraction 0–1 of the base the measure names (see the table description): world for levels (value / Σ countries + OTH); published percent / 100 otherwise, e.g. of US imports for *_us_import_source_share.',
    ),
    yoy: nullable(col.double('value / previous year − 1; null when the previous year is missing.')),
    share_roll3: nullable(col.double('Mean share over year−2…year; null unless all three years are present.')),
    is_estimate: col.boolean(
      "True when the source marks a figure of this series and year as estimated (qualifier 'e'): the share is an estimate too.",
    ),
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
    is_estimate: col.boolean(
      'True when the shares of this series and year are source estimates (production_shares.is_estimate): so are cr1, cr3 and hhi.',
    ),
  }),
});

const WORLD_BASES = ['exports', 'production'] as const;

const worldSupply = defineTable({
  name: 'world_supply',
  zone: 'metrics',
  description:
    'Concentration of world supply per product and year: world exports by exporting country (world_trade) and world production by country (production), with the China share and the US figure.',
  partitionKeys: [],
  schema: z.object({
    basis: z
      .enum(WORLD_BASES)
      .describe(
        "'exports': world exports of an HS product by exporter; 'production': world production or capacity of a commodity by country.",
      ),
    product_code: col.string(
      'HS code (6 or 4 digits) for exports; commodity (rare_earths, lithium, …) for production.',
    ),
    product_level: col.string("'HS6', 'HS4' or 'commodity'."),
    stage: col.string("Supply-chain stage: 'trade' for exports, else the production stage (mining, refining, …)."),
    measure: col.string("'exports', or the production measure (mine_production, …)."),
    year: col.int('Year.'),
    dataset: col.string(
      'world_trade dataset, or the production series’ source_id: the one listing the row is computed from.',
    ),
    source_id: col.string('Citation id of the figures.'),
    coverage: col.string(
      'How much of the world the listing covers: complete, top_flows, reporters, country_list (production: the source’s country list).',
    ),
    n_countries: col.int('Countries with a value > 0 (an undercount unless coverage is complete).'),
    total_value: col.double('Sum over countries, in unit (the production residual "other countries" excluded).'),
    unit: col.string("'usd' for exports; the production unit (t, t_REO, …)."),
    hhi: col.double(
      'HHI of country shares, 0–1. Exports: Σ exporter totals² / total². Production: as production_concentration (the residual is in the denominator, not a country).',
    ),
    cr1: col.double('Share of the largest country.'),
    cr3: col.double('Share of the three largest countries.'),
    top_iso3: col.string('Largest country, ISO3.'),
    china_share: col.double('Share of CHN (0 when China is not listed).'),
    usa_value: nullable(
      col.double(
        'The USA’s value in the listing (US exports or production); 0 when a complete listing has none; null when the listing cannot tell.',
      ),
    ),
    is_chosen: col.boolean(
      'The row screens and charts use: per product and basis one dataset for the whole series (the one covering most years, then the fuller coverage), so a change of dataset never shows as a change of concentration.',
    ),
  }),
});

const TWO_SIDED_CLASSES = ['global', 'economy_specific', 'not_concentrated', 'not_computable'] as const;

const supplyTwoSided = defineTable({
  name: 'supply_two_sided',
  zone: 'metrics',
  description:
    'Per US-imported product and year: concentration of US imports against concentration of world supply, classified as MGI (2023) does — global, economy-specific or not concentrated.',
  partitionKeys: [],
  schema: z.object({
    hs6: col.string('HS 6-digit product code (US imports).'),
    year: col.int('Year.'),
    us_import_hhi: col.double('HHI of US imports by supplier country (concentration table, reporter USA, flow M).'),
    us_top_supplier_iso3: col.string('Largest US supplier.'),
    us_cr1: col.double('Share of the largest US supplier.'),
    world_hhi: nullable(
      col.double(
        'HHI of world exports of the product (world_supply, chosen row); null when no world dataset covers it.',
      ),
    ),
    world_top_iso3: nullable(col.string('Largest world exporter.')),
    world_cr1: nullable(col.double('Share of the largest world exporter.')),
    world_china_share: nullable(col.double('China’s share of world exports.')),
    world_product_code: nullable(
      col.string('HS code the world figures are for: the product itself, or its HS4 heading (2846 for 284610/284690).'),
    ),
    world_dataset: nullable(col.string('world_trade dataset of the world figures.')),
    world_source_id: nullable(col.string('Citation id of the world figures.')),
    threshold: col.double('HHI threshold of both tests (MGI 2023: 0.3, from screen_frameworks).'),
    classification: z
      .enum(TWO_SIDED_CLASSES)
      .describe(
        "'global': US imports and world supply both above the threshold; 'economy_specific': US imports above, world supply not (diversification is possible); 'not_concentrated': US imports at or below; 'not_computable': US imports above, no world figure.",
      ),
  }),
});

/** Keys of a screen row: one US-imported product, one year, one framework. */
const screenCell = {
  hs6: col.string('HS 6-digit product code (US imports).'),
  year: col.int('Year.'),
  framework_id: col.string('Framework id (screen_frameworks).'),
};

const CRITERION_STATUSES = ['met', 'not_met', 'not_computable'] as const;

const screenCriteria = defineTable({
  name: 'screen_criteria',
  zone: 'metrics',
  description:
    'Each framework criterion for each US-imported product and year: the measure’s value, the threshold, met / not met / not computable, and the reason.',
  partitionKeys: [],
  schema: z.object({
    ...screenCell,
    criterion_id: col.string('Criterion id (screen_frameworks).'),
    criterion_order: col.int('Order within the framework.'),
    role: col.string("'condition' or 'classifier' (screen_frameworks)."),
    measure: col.string(
      'Measure tested: us_import_hhi, world_export_hhi, import_export_ratio, extra_bloc_import_share, top_supplier_share, supplier_ratio.',
    ),
    value: nullable(col.double('The measure’s value; null when not computable — never a guess.')),
    comparison: col.string("'>' or '<' (strict)."),
    threshold: col.double('Threshold as published.'),
    status: z
      .enum(CRITERION_STATUSES)
      .describe(
        "'met': the value passes the test (HHI rounded to 12 decimals first); 'not_met'; 'not_computable': no value.",
      ),
    basis: col.string('What the value was computed from (datasets, valuation bases), or why it cannot be computed.'),
    source_ids: col.string('Citation ids of the figures behind the value, comma-separated.'),
  }),
});

const SCREEN_VERDICTS = ['flagged', 'not_flagged', 'not_computable'] as const;

const dependencyScreen = defineTable({
  name: 'dependency_screen',
  zone: 'metrics',
  description:
    'One verdict per US-imported product, year and framework: flagged when every condition is met, not flagged when one is not met, not computable otherwise.',
  partitionKeys: [],
  schema: z.object({
    ...screenCell,
    verdict: z
      .enum(SCREEN_VERDICTS)
      .describe(
        "'flagged': every condition met; 'not_flagged': at least one computable condition not met; 'not_computable': no condition fails but at least one cannot be computed.",
      ),
    n_conditions: col.int('Conditions of the framework.'),
    n_met: col.int('Conditions met.'),
    n_not_met: col.int('Conditions not met.'),
    n_not_computable: col.int('Conditions that cannot be computed.'),
    classification: nullable(
      col.string(
        'MGI 2023 only: global or economy_specific for a flagged product (not_computable when the world side is missing); null otherwise.',
      ),
    ),
    reason: col.string('The criteria that decide the verdict, with their values and thresholds.'),
  }),
});

const screenPersistence = defineTable({
  name: 'screen_persistence',
  zone: 'metrics',
  description:
    'Per product, framework and year: flagged in at least 2 of the last 3 years (CEPII GeoDep criterion 4), and whether the flag entered or exited since the previous year.',
  partitionKeys: [],
  schema: z.object({
    ...screenCell,
    verdict: col.string('This year’s verdict (dependency_screen).'),
    flagged_years: col.int('Years flagged among year−2 … year.'),
    decided_years: col.int('Years among year−2 … year with a verdict of flagged or not_flagged.'),
    persistent: nullable(
      col.boolean('Flagged in at least 2 of the last 3 years; null when the undecided years could still change that.'),
    ),
    entered: nullable(
      col.boolean('Flagged this year, not flagged the year before; null unless both years are decided.'),
    ),
    exited: nullable(
      col.boolean(
        'Not flagged this year, flagged the year before (left the list); null unless both years are decided.',
      ),
    ),
    newly_persistent: nullable(
      col.boolean('Persistent this year and not the year before (an alert); null when either year is undecided.'),
    ),
  }),
});

const screenChurn = defineTable({
  name: 'screen_churn',
  zone: 'metrics',
  description:
    'Per framework and year: products flagged, entering and leaving the list, and the churn rate (Vicard & Wibaux 2023: about 1 in 5 leave each year in the EU).',
  partitionKeys: [],
  schema: z.object({
    framework_id: col.string('Framework id.'),
    year: col.int('Year.'),
    n_flagged: col.int('Products flagged this year.'),
    n_persistent: col.int('Products flagged in at least 2 of the last 3 years.'),
    n_entered: col.int('Products flagged this year and not flagged the year before.'),
    n_exited: col.int('Products flagged the year before and not flagged this year (left the list).'),
    n_flagged_before: col.int('Products flagged the year before whose verdict this year is decided.'),
    churn_rate: nullable(col.double('n_exited / n_flagged_before; null when nothing was flagged the year before.')),
  }),
});

const mirrorGaps = defineTable({
  name: 'mirror_gaps',
  zone: 'metrics',
  description:
    'Mirror flows: what a partner reports exporting to the importer against what the importer reports importing from it, per product and year.',
  partitionKeys: [],
  schema: z.object({
    importer_iso3: col.string('Importing country (the reporter of the import side), ISO3.'),
    exporter_iso3: col.string('Exporting partner, ISO3.'),
    hs6: col.string('HS 6-digit product code.'),
    year: col.int('Year.'),
    import_reported_usd: nullable(
      col.double('Imports the importer reports from the exporter (US: customs value); null when not reported.'),
    ),
    import_basis: nullable(col.string('Valuation basis of the import side.')),
    export_reported_usd: nullable(
      col.double('Exports the exporter reports to the importer (FOB); null when not reported.'),
    ),
    export_basis: nullable(col.string('Valuation basis of the export side.')),
    gap_usd: nullable(col.double('export_reported_usd − import_reported_usd; null unless both sides are reported.')),
    gap_pct: nullable(
      col.double(
        'gap_usd / import_reported_usd; null unless both sides are reported and imports are > 0. Positive: the exporter reports more than the importer (CIF ≥ FOB would make it negative).',
      ),
    ),
    dataset: col.string('world_trade dataset of both sides (one pull, so both sides share a release).'),
    source_id: col.string('Citation id.'),
    note: nullable(col.string('Caveats of either side (e.g. several breakdown rows, max kept).')),
  }),
});

const monthlyAnomalies = defineTable({
  name: 'monthly_anomalies',
  zone: 'metrics',
  description:
    'Monthly trade per reporter, product, flow and partner against its trailing 24 months: mean, standard deviation, z-score, and the partner’s share shift where the month’s total is known.',
  partitionKeys: [],
  schema: z.object({
    source: col.string('Ingest source of the monthly rows (one source per series; never mixed).'),
    reporter_iso3: col.string('Reporting country, ISO3.'),
    hs6: col.string('HS 6-digit product code.'),
    flow: col.string("'M' or 'X'."),
    partner_iso3: col.string('Partner country, ISO3.'),
    year: col.int('Year.'),
    month: col.int('Month 1–12.'),
    value_usd: col.double('Value of the month, US dollars.'),
    trailing_months: col.int('Months with a value among the 24 before this one.'),
    trailing_mean: nullable(col.double('Mean of the 24 previous months; null unless all 24 are present.')),
    trailing_sd: nullable(
      col.double('Sample standard deviation of the 24 previous months; null unless all 24 are present.'),
    ),
    z_score: nullable(
      col.double('(value − trailing_mean) / trailing_sd; null without a full window or when the SD is 0.'),
    ),
    is_anomaly: col.boolean('|z_score| > 2 (more than 2σ from the trailing 24-month mean).'),
    share: nullable(
      col.double(
        'Partner share of the month’s total over supplier countries; null unless the source reports the month’s World total and the listed countries make up at least 95% of it.',
      ),
    ),
    share_trailing_mean: nullable(
      col.double('Mean share over the 24 previous months; null unless all 24 have a share.'),
    ),
    share_shift_pp: nullable(col.double('(share − share_trailing_mean) × 100, percentage points.')),
    share_z_score: nullable(col.double('Share shift in trailing standard deviations of the share.')),
    is_share_anomaly: col.boolean('|share_z_score| > 2: an abrupt supplier-share shift.'),
    source_id: col.string('Citation id of the monthly rows.'),
  }),
});

const coverage = defineTable({
  name: 'coverage',
  zone: 'metrics',
  description:
    'What the lake holds: table × product × year × source → rows, and whether the figures are provisional. A basket product without trade rows is listed with 0 rows.',
  partitionKeys: [],
  schema: z.object({
    table_name: col.string('Lake table: trade_flows, world_trade or production.'),
    product: col.string('HS6 (trade_flows), HS code (world_trade) or commodity (production).'),
    year: nullable(col.int('Year; null on the row of a basket product with no trade rows.')),
    source: nullable(col.string('Ingest source of the rows; null on the row of a basket product with no trade rows.')),
    row_count: col.bigint('Rows of the table for the product, year and source (0: the lake has none).'),
    provisional: col.boolean(
      "True when the figures may still be revised: trade from the source's latest complete year on, or estimated; world trade in its dataset's latest year; production estimated ('e') or projected.",
    ),
  }),
});

const productionLatest = defineTable({
  name: 'production_latest',
  zone: 'metrics',
  description:
    'production with one USGS edition per figure (sector, commodity, stage, measure, unit, country, year): the latest, named in edition. Join this one to trade on year; production keeps every edition.',
  partitionKeys: [],
  schema: z.object({
    ...production.schema.shape,
    edition: nullable(
      col.string(
        'USGS publication and edition year from source_id (MCS2026, MCS2025, MYB2018); null for other publishers, whose rows all stay.',
      ),
    ),
    provisional: col.boolean("True when the value is estimated (qualifier 'e') or a projection."),
  }),
});

export const metricTables = [
  tradeCellSources,
  supplierShares,
  concentration,
  dependency,
  tradeTrend,
  productionLatest,
  productionShares,
  productionTrend,
  productionConcentration,
  worldSupply,
  supplyTwoSided,
  screenCriteria,
  dependencyScreen,
  screenPersistence,
  screenChurn,
  mirrorGaps,
  monthlyAnomalies,
  coverage,
] as const;

export type SupplierShareRow = z.infer<typeof supplierShares.schema>;
export type ConcentrationRow = z.infer<typeof concentration.schema>;
export type DependencyRow = z.infer<typeof dependency.schema>;
export type ProductionShareRow = z.infer<typeof productionShares.schema>;
export type ProductionTrendRow = z.infer<typeof productionTrend.schema>;
export type ProductionConcentrationRow = z.infer<typeof productionConcentration.schema>;
