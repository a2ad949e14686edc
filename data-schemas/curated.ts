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
  description: 'Production, capacity, reserves and published shares by country and period, with qualifiers.',
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
    label: col.string('Short product label.'),
    stage: z.enum(STAGES).describe('Supply-chain stage of the product.'),
    source_id: col.string('Citation for the code choice.'),
  }),
});

export const curatedTables = [tradeFlows, production, sources, countries, partnerGroups, basket] as const;

export type TradeFlow = z.infer<typeof tradeFlows.schema>;
export type ProductionRow = z.infer<typeof production.schema>;
export type SourceRow = z.infer<typeof sources.schema>;
export type CountryRow = z.infer<typeof countries.schema>;
export type PartnerGroupRow = z.infer<typeof partnerGroups.schema>;
export type BasketRow = z.infer<typeof basket.schema>;
