import { z } from 'zod';
import { col, defineTable } from './table.ts';

const nullable = <T extends z.ZodType>(t: T) => t.nullable().describe(t.description ?? '');

export const FLOWS = ['M', 'X'] as const;
const VALUE_BASES = ['CIF', 'FOB', 'customs', 'FOB_mirror', 'unknown'] as const;

export const tradeFlows = defineTable({
  name: 'trade_flows',
  zone: 'curated',
  description: 'Bilateral trade by reporter, partner, HS6 product and period (annual rows have month 0).',
  partitionKeys: ['source', 'year', 'month'],
  schema: z.object({
    source: col.string('Ingest source that landed the row: bundled, comtrade, census.'),
    year: col.int('Reference year.'),
    month: col.int('Reference month 1–12; 0 for an annual total.'),
    reporter_iso3: col.string('Reporting country, ISO 3166-1 alpha-3.'),
    reporter_code: col.string("Reporter code as the source gave it (Comtrade/M49 '842', Census CTY_CODE)."),
    partner_iso3: col.string('Partner as ISO3; aggregates keep a pseudo-code (WLD, NES, …). 490 is mapped to TWN.'),
    partner_code: col.string("Partner code as the source gave it (e.g. Comtrade '490' = Other Asia, nes)."),
    partner_name: col.string('Partner name as the source gave it.'),
    partner_is_aggregate: col.boolean(
      'True for World, "nes" areas, bunkers, free zones and groups; never counted as a supplier.',
    ),
    flow: z.enum(FLOWS).describe("Trade flow: 'M' imports, 'X' exports."),
    hs6: col.string('HS 6-digit product code (canonical product of the basket).'),
    hs_vintage: nullable(
      col.string(
        'HS nomenclature vintage the source reported (H5 = HS2017, H6 = HS2022); null when bridged or unknown.',
      ),
    ),
    value_usd: nullable(col.double('Trade value in US dollars; null when suppressed.')),
    value_basis: z.enum(VALUE_BASES).describe('Valuation basis of value_usd: CIF, FOB, customs, FOB_mirror, unknown.'),
    quantity: nullable(col.double('Quantity in quantity_unit; null when not reported.')),
    quantity_unit: nullable(col.string('Unit of quantity as reported (e.g. kg, u).')),
    net_weight_kg: nullable(col.double('Net weight in kilograms; null when not reported.')),
    is_estimated: col.boolean('The source flags the value as estimated.'),
    is_mirror: col.boolean('The value is the partner-reported mirror flow, not the reporter’s own.'),
    is_suppressed: col.boolean('The source suppressed the value (confidential); never treat as 0.'),
    source_id: col.string('Citation id in the sources table.'),
    note: nullable(col.string('Normalization note, e.g. "partner 490 (Other Asia, nes) mapped to TWN".')),
  }),
});

export const STAGES = ['mining', 'refining', 'manufacturing', 'trade', 'demand', 'reserves'] as const;

export const production = defineTable({
  name: 'production',
  zone: 'curated',
  description:
    'Production, capacity, reserves and published shares by country and period, with qualifiers. Every USGS edition (a year can be in two); production_latest keeps the latest edition of each figure.',
  // `source` first: each ingest source writes only its own objects, so sources ingested in parallel never
  // read-merge-write the same file (bundled and USGS production share sectors).
  partitionKeys: ['source', 'sector'],
  schema: z.object({
    source: col.string('Ingest source that landed the row: bundled, usgs.'),
    sector: col.string('Basket sector: semiconductors, ev_batteries, rare_earths, medical_supplies.'),
    commodity: col.string('Commodity or product group, e.g. rare_earths, lithium, chips.'),
    stage: z.enum(STAGES).describe('Supply-chain stage: mining, refining, manufacturing, trade, demand, reserves.'),
    measure: col.string('What is measured, as named by the source file (mine_production, fab_capacity_share, …).'),
    geo_iso3: col.string(
      'Country ISO3, or a pseudo-code for a group (WLD world, OTH other countries, EUR Europe, EASIA East Asia).',
    ),
    geo_name: col.string('Geography name as the source gave it.'),
    geo_is_aggregate: col.boolean('True for world totals, residual "other" rows and regional groups.'),
    period: col.string("Period as the source gave it: '2020', '2019-12', '2020-2030', or '' when undated."),
    year: nullable(col.int('Year the period ends in; null when the source gives no date.')),
    value: nullable(col.double('Value in unit; null when withheld (qualifier W).')),
    unit: col.string('Canonical unit: t, t_REO, kg, percent, usd, GWh, TWh.'),
    unit_detail: nullable(col.string('Unit wording from the source when it says more than the canonical unit.')),
    qualifier: nullable(col.string("Source qualifier: 'e' estimated, 'W' withheld, '>' more than, 'about', 'almost'.")),
    is_projection: col.boolean('True for forecasts and projections (not observations).'),
    source_id: col.string('Citation id in the sources table.'),
    note: nullable(col.string('Note from the source file or from normalization.')),
  }),
});

export const sources = defineTable({
  name: 'sources',
  zone: 'curated',
  description: 'One citation per source_id: publisher, title, where the figure was read, licence.',
  // Every ingest source lands the citations of its own rows, in its own partition.
  partitionKeys: ['source'],
  schema: z.object({
    source: col.string('Ingest source that landed the citation: bundled, comtrade, census, usgs.'),
    source_id: col.string('Citation id referenced by every data row.'),
    topic: col.string('Which part of the data it supports (Semiconductors, Rare earths, …).'),
    citation: col.string('Full citation: author or publisher, title, date.'),
    url: nullable(col.string('The first URL given in the citation or where-seen text.')),
    where_seen: col.string('Where the figure was actually read (primary page, or a named secondary copy).'),
    is_secondary: col.boolean('True when the figure was seen only in a third-party restatement.'),
    licence: nullable(col.string('Licence when the publisher states one (e.g. CC BY 4.0).')),
  }),
});

export const countries = defineTable({
  name: 'countries',
  zone: 'curated',
  description: 'Country and area reference: ISO3, Comtrade (M49-based) code, US Census code, aggregate flag.',
  partitionKeys: [],
  schema: z.object({
    iso3: col.string('ISO 3166-1 alpha-3, or a pseudo-code for an aggregate (WLD, NES, …).'),
    name: col.string('English short name.'),
    comtrade_code: nullable(
      col.string('UN Comtrade reporter/partner code (M49-based with exceptions: USA 842, FRA 251, …).'),
    ),
    census_code: nullable(col.string('US Census Schedule C country code (CTY_CODE).')),
    iso2: nullable(col.string('ISO 3166-1 alpha-2 (the code BACI extracts name countries by); null for aggregates.')),
    is_aggregate: col.boolean('True for World, "nes" areas, bunkers, free zones and country groups.'),
    note: nullable(col.string('Why a mapping is unusual (e.g. 490 = Other Asia, nes = Taiwan).')),
    source_id: col.string('Citation for the code mapping.'),
  }),
});

export const partnerGroups = defineTable({
  name: 'partner_groups',
  zone: 'curated',
  description: 'Versioned partner groups: allies named in the seed article, US covered nations.',
  partitionKeys: [],
  schema: z.object({
    group_id: col.string('Group id: ALLY_2021_SC, US_COVERED, CHINA_HKG_MAC.'),
    iso3: col.string('Member country ISO3.'),
    valid_from: col.int('First year the membership applies.'),
    valid_to: nullable(col.int('Last year it applies; null while current.')),
    source_id: col.string('Citation for the grouping.'),
  }),
});

export const basket = defineTable({
  name: 'basket',
  zone: 'curated',
  description: 'The critical-product basket: sector → HS6 code → label → supply-chain stage.',
  partitionKeys: [],
  schema: z.object({
    sector: col.string('Basket sector: semiconductors, ev_batteries, rare_earths, medical_supplies.'),
    hs6: col.string('HS 6-digit code (canonical product).'),
    label: col.string(
      'Product name in plain words, as every page shows it (e.g. 854140: solar cells and panels, LEDs).',
    ),
    stage: z.enum(STAGES).describe('Supply-chain stage of the product.'),
    source_id: col.string('Citation for the code choice.'),
    hs_wording: col.string(
      "The HS heading's own wording, shortened (e.g. 848640: machines of Note 11(C) to Chapter 84).",
    ),
  }),
});

/** Who declared a world_trade value: the exporter, the importer, or a reconciliation of both (BACI). */
const REPORTED_BY = ['exporter', 'importer', 'reconciled'] as const;
const WORLD_FLOWS = ['X', 'M', 'RX', 'RM'] as const;
/**
 * How much of the world a world_trade dataset lists, which decides what it can honestly answer:
 * complete (every flow: shares, HHI and counts of exporters), top_flows (a trimmed edge list with most
 * of the value: shares and HHI, not counts), reporters (declarations of the countries that report:
 * non-reporters are missing), country_list (the countries a download listed).
 */
const WORLD_COVERAGES = ['complete', 'top_flows', 'reporters', 'country_list'] as const;

export const worldTrade = defineTable({
  name: 'world_trade',
  zone: 'curated',
  description:
    'World trade beyond US imports: exporter × importer × HS product × year, one dataset per source file, with who declared the value and its valuation basis.',
  // One writer per dataset: a new file of one dataset never rewrites another's partition.
  partitionKeys: ['source', 'dataset'],
  schema: z.object({
    source: col.string('Ingest source that landed the row: bundled.'),
    dataset: col.string(
      'The dataset the row comes from (one per input file), e.g. baci_850511_topflows; metrics never add up two datasets.',
    ),
    year: col.int('Reference year.'),
    hs_code: col.string('HS code of the product: 6 digits, or 4 where the source gives only the heading (OEC 2846).'),
    hs_level: col.int('Digits of hs_code: 6 or 4.'),
    hs_vintage: nullable(
      col.string(
        'HS nomenclature vintage as the source states it (H2 = HS2002, H4 = HS2012, H5 = HS2017); null when not stated.',
      ),
    ),
    exporter_iso3: col.string(
      'Exporting country ISO3; WLD when the row is a total from all origins. Comtrade 490 and BACI S19 (Other Asia, nes) are mapped to TWN.',
    ),
    exporter_code: col.string('Exporter as the source gave it (ISO2, ISO3, BACI code or Comtrade code; 0 = World).'),
    exporter_is_aggregate: col.boolean(
      'True when the exporter is World or another aggregate, never a supplier country.',
    ),
    importer_iso3: col.string('Importing country ISO3; WLD when the row is a total to all destinations.'),
    importer_code: col.string('Importer as the source gave it.'),
    importer_is_aggregate: col.boolean('True when the importer is World or another aggregate.'),
    reported_by: z
      .enum(REPORTED_BY)
      .describe(
        "Who declared the value: 'exporter' (its exports), 'importer' (its imports, the mirror side), 'reconciled' (BACI/OEC, both declarations reconciled).",
      ),
    flow: z
      .enum(WORLD_FLOWS)
      .describe(
        "Flow as declared: 'X' exports, 'M' imports, 'RX' re-exports, 'RM' re-imports; reconciled rows are exports ('X').",
      ),
    value_usd: nullable(col.double('Trade value in US dollars; null when not reported.')),
    value_basis: z
      .enum(VALUE_BASES)
      .describe('Valuation basis: FOB (exports, BACI), CIF (most importers), customs (US import value), unknown.'),
    quantity_t: nullable(
      col.double('Quantity in metric tons (BACI q; Comtrade net weight / 1000); null when not given.'),
    ),
    coverage: z
      .enum(WORLD_COVERAGES)
      .describe('How much of the world the dataset lists: complete, top_flows, reporters, country_list.'),
    source_id: col.string('Citation id in the sources table.'),
    note: nullable(
      col.string('Normalization note or source caveat for this row (e.g. a mapped code, several breakdown rows).'),
    ),
  }),
});

const COMPARISONS = ['>', '<'] as const;
const CRITERION_ROLES = ['condition', 'classifier'] as const;

export const screenFrameworks = defineTable({
  name: 'screen_frameworks',
  zone: 'curated',
  description:
    'Dependency-screen frameworks as published: each criterion, the measure it tests, its threshold and where it was read.',
  partitionKeys: [],
  schema: z.object({
    framework_id: col.string('Framework id: EC_2021, GEODEP, CRMA_65, MGI_2023, OECD_HALF.'),
    framework_name: col.string('Framework name and publication.'),
    criterion_id: col.string('Criterion id within the framework, e.g. c1_import_hhi.'),
    criterion_order: col.int('Order of the criterion within the framework.'),
    criterion: col.string('What the criterion says, in the publication’s terms.'),
    measure: col.string(
      'The chainwatch measure it tests (screen_criteria.measure): us_import_hhi, world_export_hhi, import_export_ratio, extra_bloc_import_share, top_supplier_share, supplier_ratio.',
    ),
    role: z
      .enum(CRITERION_ROLES)
      .describe(
        "'condition': must hold for the product to be flagged; 'classifier': splits flagged products (MGI: global vs economy-specific) without deciding the flag.",
      ),
    comparison: z
      .enum(COMPARISONS)
      .describe("How the measure meets the criterion: '>' strictly above the threshold, '<' strictly below."),
    threshold: col.double('The threshold as published (HHI on the 0–1 scale, shares 0–1, ratios).'),
    us_note: col.string('How the criterion applies to the USA as a single importer, and when it is not computable.'),
    source_id: col.string('Citation id of the document the criterion was read in.'),
    where_read: col.string('Title and address of the page where the criterion and threshold were read.'),
  }),
});

export const curatedTables = [
  tradeFlows,
  production,
  sources,
  countries,
  partnerGroups,
  basket,
  worldTrade,
  screenFrameworks,
] as const;

export type TradeFlow = z.infer<typeof tradeFlows.schema>;
export type ProductionRow = z.infer<typeof production.schema>;
export type SourceRow = z.infer<typeof sources.schema>;
export type CountryRow = z.infer<typeof countries.schema>;
export type PartnerGroupRow = z.infer<typeof partnerGroups.schema>;
export type BasketRow = z.infer<typeof basket.schema>;
export type WorldTradeRow = z.infer<typeof worldTrade.schema>;
export type ScreenFrameworkRow = z.infer<typeof screenFrameworks.schema>;
