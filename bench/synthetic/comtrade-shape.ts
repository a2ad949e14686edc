import type { TradeFlow } from '../../data-schemas/curated.ts';
import { COMTRADE_FIELDS } from '../../src/core/ingest/sources/comtrade.ts';
import type { Defect, SyntheticRow } from './trade-rows.ts';
import type { Universe } from './universe.ts';

/**
 * The two shapes of a synthetic row: a Comtrade API v1 record (the connector's 47 record fields,
 * monthly frequency) as the raw source, and the curated `trade_flows` row that ingest is expected
 * to land from it.
 */
export type ComtradeRecord = Record<(typeof COMTRADE_FIELDS)[number], string | number | boolean | null>;

const SYNTHETIC_SOURCE_ID = 'BENCH_SYNTHETIC';
const TAIWAN_NOTE = 'partner 490 (Other Asia, nes) mapped to TWN';

/** HS vintage a reporter would use natively in that year (H4 = HS2012, H5 = HS2017, H6 = HS2022). */
const hsVintage = (year: number): string => (year >= 2022 ? 'H6' : year >= 2017 ? 'H5' : 'H4');

/** How Comtrade labels a partner: 490 is "Other Asia, nes" (ISO S19), 0 is World (W00). */
function partnerLabel(u: Universe, partner: number): { iso: string; desc: string } {
  const p = u.partners[partner];
  if (p.code === 490) return { iso: 'S19', desc: 'Other Asia, nes' };
  if (p.code === 0) return { iso: 'W00', desc: 'World' };
  return { iso: p.iso3, desc: p.name };
}

export function toComtradeRecord(u: Universe, row: SyntheticRow): ComtradeRecord {
  const reporter = u.reporters[row.reporter];
  const partner = u.partners[row.partner];
  const label = partnerLabel(u, row.partner);
  const product = u.products[row.product];
  const imports = row.flow === 'M';
  const annual = row.month === 0;
  return {
    // Annual records carry refMonth 52 and a YYYY period (api-shapes.md §A1); monthly ones YYYYMM.
    typeCode: 'C',
    freqCode: annual ? 'A' : 'M',
    refPeriodId: row.year * 10000 + (annual ? 1 : row.month) * 100 + 1,
    refYear: row.year,
    refMonth: annual ? 52 : row.month,
    period: annual ? String(row.year) : `${row.year}${String(row.month).padStart(2, '0')}`,
    reporterCode: reporter.code,
    reporterISO: reporter.iso3,
    reporterDesc: reporter.name,
    flowCode: row.flow,
    flowDesc: imports ? 'Import' : 'Export',
    partnerCode: partner.code,
    partnerISO: label.iso,
    partnerDesc: label.desc,
    partner2Code: 0,
    partner2ISO: 'W00',
    partner2Desc: 'World',
    classificationCode: hsVintage(row.year),
    classificationSearchCode: 'HS',
    isOriginalClassification: true,
    cmdCode: product.hs6,
    cmdDesc: product.label,
    aggrLevel: 6,
    isLeaf: true,
    customsCode: 'C00',
    customsDesc: 'TOTAL CPC',
    mosCode: '0',
    motCode: 0,
    motDesc: 'TOTAL MOT',
    qtyUnitCode: product.unit === 'u' ? 5 : 8,
    qtyUnitAbbr: product.unit,
    qty: row.quantity,
    isQtyEstimated: row.estimated,
    altQtyUnitCode: -1,
    altQtyUnitAbbr: 'N/A',
    altQty: 0,
    isAltQtyEstimated: false,
    netWgt: row.netWeightKg,
    isNetWgtEstimated: false,
    grossWgt: 0,
    isGrossWgtEstimated: false,
    cifvalue: imports ? row.value : null,
    fobvalue: imports ? null : row.value,
    primaryValue: row.value,
    legacyEstimationFlag: 0,
    isReported: true,
    isAggregate: false,
  };
}

/** A raw record with one defect that a validating ingest must quarantine. */
export function withDefect(record: ComtradeRecord, defect: Defect): ComtradeRecord {
  switch (defect) {
    case 'negative_value':
      return { ...record, primaryValue: -Number(record.primaryValue), cifvalue: null, fobvalue: null };
    case 'unknown_partner':
      return { ...record, partnerCode: 9999, partnerISO: 'ZZZ', partnerDesc: 'Unknown' };
    case 'unknown_product':
      return { ...record, cmdCode: '999999', cmdDesc: 'Not in the basket' };
    case 'non_numeric_value':
      return { ...record, primaryValue: 'n/a' };
    case 'bad_month':
      return { ...record, freqCode: 'M', refMonth: 13, period: `${record.refYear}13` };
    case 'duplicate_key':
      // Same reporter/partner/product/flow/period as a good row, with a different value: a conflict.
      return { ...record, primaryValue: Number(record.primaryValue) + 1 };
  }
}

export function toTradeFlow(u: Universe, row: SyntheticRow): TradeFlow {
  const reporter = u.reporters[row.reporter];
  const partner = u.partners[row.partner];
  const product = u.products[row.product];
  return {
    source: 'comtrade',
    year: row.year,
    month: row.month,
    reporter_iso3: reporter.iso3,
    reporter_code: String(reporter.code),
    partner_iso3: partner.iso3,
    partner_code: String(partner.code),
    partner_name: partnerLabel(u, row.partner).desc,
    partner_is_aggregate: partner.isAggregate,
    flow: row.flow,
    hs6: product.hs6,
    hs_vintage: hsVintage(row.year),
    value_usd: row.value,
    value_basis: row.flow === 'M' ? 'CIF' : 'FOB',
    quantity: row.quantity,
    quantity_unit: product.unit,
    net_weight_kg: row.netWeightKg,
    is_estimated: row.estimated,
    is_mirror: false,
    is_suppressed: false,
    source_id: SYNTHETIC_SOURCE_ID,
    note: partner.code === 490 ? TAIWAN_NOTE : null,
  };
}

const csvCell = (v: string | number | boolean | null): string => {
  if (v === null) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export const comtradeCsvHeader = (): string => COMTRADE_FIELDS.join(',') + '\n';
export const comtradeCsvLine = (rec: ComtradeRecord): string =>
  COMTRADE_FIELDS.map((f) => csvCell(rec[f])).join(',') + '\n';
