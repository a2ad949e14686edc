import { BUNDLED_SOURCE } from '../sources.ts';
import * as aq from 'arquero';
import { tradeFlows, type BasketRow, type CountryRow, type TradeFlow } from '../../../data-schemas/curated.ts';
import { constantColumns, transformCandidates } from './candidates-table.ts';
import { originsOf, requireColumns, type CsvFile } from './csv.ts';
import { normalizeRows, parseDecimal, parseNonNegative, required, RowProblem, type Normalized } from './rows.ts';

/** Columns of the bundled Comtrade mart that ingest reads; its share/rank columns are ignored (metrics recompute them). */
const TRADE_MART_COLUMNS = [
  'canonical_product_id',
  'year',
  'partner_code',
  'partner_iso3',
  'partner_name',
  'import_value_usd',
] as const;

export const TAIWAN_NOTE = 'partner 490 "Other Asia, nes" mapped to TWN';
const BRIDGED_NOTE = 'canonical HS6 bridged across HS2017 (H5) and HS2022 (H6) by the source mart';

/**
 * What every row of the bundled mart is, per its citation (SOURCES.md, AKASHOK1_COMTRADE): UN Comtrade
 * annual imports reported by the USA (Comtrade code 842), customsCode C00, for which the US value is
 * the customs value (metrics.md §4.3). The mart bridged H5/H6 codes, so no single vintage applies.
 */
const MART_CONSTANTS = {
  source: BUNDLED_SOURCE,
  month: 0,
  reporter_iso3: 'USA',
  reporter_code: '842',
  flow: 'M',
  hs_vintage: null,
  value_basis: 'customs',
  quantity: null,
  quantity_unit: null,
  net_weight_kg: null,
  is_estimated: false,
  is_mirror: false,
  is_suppressed: false,
  source_id: 'AKASHOK1_COMTRADE',
} as const;

export interface TradeReference {
  countries: readonly CountryRow[];
  basket: readonly BasketRow[];
  /** The year of the run: a trade figure for a later year cannot have been recorded yet. */
  latestYear: number;
}

/**
 * The checks both bundled trade files make against the reference tables: the HS code is in the basket, the
 * partner code is a Comtrade code of countries.csv, and an ISO3 the row states agrees with it.
 */
function tradeCodes(ref: TradeReference) {
  const byCode = new Map(ref.countries.filter((c) => c.comtrade_code !== null).map((c) => [c.comtrade_code!, c]));
  const basketCodes = new Set(ref.basket.map((b) => b.hs6));
  return {
    basketCode(raw: Record<string, string>, column: string): string {
      const hs6 = required(raw, column);
      if (!basketCodes.has(hs6))
        throw new RowProblem(`HS code ${hs6} is not in the basket (data-schemas/reference/basket.csv)`);
      return hs6;
    },
    partner(raw: Record<string, string>): { code: string; country: CountryRow } {
      const code = required(raw, 'partner_code');
      const country = byCode.get(code);
      if (!country)
        throw new RowProblem(
          `unknown partner code ${code}: not a Comtrade code in data-schemas/reference/countries.csv`,
        );
      const statedIso3 = raw.partner_iso3.trim();
      if (statedIso3 !== '' && statedIso3 !== country.iso3)
        throw new RowProblem(
          `partner_iso3 ${statedIso3} contradicts countries.csv, which maps code ${code} to ${country.iso3}`,
        );
      return { code, country };
    },
  };
}

/**
 * `us_imports_by_partner_hs6.csv` → trade_flows. Row checks first (a bad row is rejected with its
 * reason), then arquero verbs derive the table: partner code → ISO3 and aggregate flag by a lookup
 * on countries.csv (which maps 490 to TWN), the mart's constants, and the notes.
 */
export function normalizeTrade(csv: CsvFile, ref: TradeReference): Normalized<TradeFlow> {
  requireColumns(csv, TRADE_MART_COLUMNS);
  const codes = tradeCodes(ref);
  const checked = normalizeRows(tradeFlows.name, originsOf(csv), ({ raw }) => {
    const hs6 = codes.basketCode(raw, 'canonical_product_id');
    const year = parseDecimal(required(raw, 'year'), 'year');
    if (!Number.isInteger(year)) throw new RowProblem(`year "${raw.year}" is not a whole number`);
    if (year > ref.latestYear)
      throw new RowProblem(
        `year ${year} is after ${ref.latestYear}, the year of this run: not a recorded trade figure`,
      );
    const { code: partnerCode } = codes.partner(raw);
    return {
      year,
      hs6,
      partner_code: partnerCode,
      partner_name: required(raw, 'partner_name'),
      value_usd: parseNonNegative(required(raw, 'import_value_usd'), 'import_value_usd'),
    };
  });

  const countries = aq.from(ref.countries.filter((c) => c.comtrade_code !== null) as Record<string, unknown>[]);
  const candidates = transformCandidates(tradeFlows, checked.candidates, (rows) =>
    rows
      .lookup(countries, ['partner_code', 'comtrade_code'], {
        partner_iso3: (d: CountryRow) => d.iso3,
        partner_is_aggregate: (d: CountryRow) => d.is_aggregate,
      })
      .derive(constantColumns(MART_CONSTANTS))
      .params({ TAIWAN_NOTE, BRIDGED_NOTE })
      .derive({
        note: (d: { partner_code: string }, $: { TAIWAN_NOTE: string; BRIDGED_NOTE: string }) =>
          d.partner_code === '490' ? $.TAIWAN_NOTE + '; ' + $.BRIDGED_NOTE : $.BRIDGED_NOTE,
      }),
  );
  return { candidates, rejects: checked.rejects };
}

/** Columns of the bundled monthly series (UN Comtrade public preview, monthly) that ingest reads. */
const MONTHLY_COLUMNS = [
  'period',
  'reporter',
  'flow',
  'partner_code',
  'partner_iso3',
  'partner',
  'cmd_code',
  'value_usd',
] as const;
const MONTH_PERIOD = /^(\d{4})-(\d{2})$/;

/**
 * A bundled monthly series (`comtrade_monthly_us_imports_from_*.csv`, citation COMTRADE_MONTHLY_USA_CHN)
 * → monthly trade_flows rows (month 1–12). The file holds US imports only (reporter USA, flow M), in
 * US customs value; the annual metrics read month 0 only, so these months never add to annual cells.
 */
export function normalizeMonthlyTrade(csv: CsvFile, ref: TradeReference): Normalized<TradeFlow> {
  requireColumns(csv, MONTHLY_COLUMNS);
  const codes = tradeCodes(ref);
  return normalizeRows(tradeFlows.name, originsOf(csv), ({ raw }): TradeFlow => {
    const period = required(raw, 'period');
    const m = MONTH_PERIOD.exec(period);
    const month = m ? Number(m[2]) : 0;
    if (!m || month < 1 || month > 12) throw new RowProblem(`period "${period}" is not a month YYYY-MM`);
    const year = Number(m[1]);
    if (year > ref.latestYear)
      throw new RowProblem(
        `period ${period} is after ${ref.latestYear}, the year of this run: not a recorded trade figure`,
      );
    if (required(raw, 'reporter') !== 'USA' || required(raw, 'flow') !== 'M') {
      throw new RowProblem(
        `reporter ${raw.reporter} flow ${raw.flow}: the monthly series holds US imports only (USA, M)`,
      );
    }
    const hs6 = codes.basketCode(raw, 'cmd_code');
    const { code: partnerCode, country: partner } = codes.partner(raw);
    return {
      ...MART_CONSTANTS,
      source_id: 'COMTRADE_MONTHLY_USA_CHN',
      year,
      month,
      partner_iso3: partner.iso3,
      partner_code: partnerCode,
      partner_name: required(raw, 'partner'),
      partner_is_aggregate: partner.is_aggregate,
      hs6,
      value_usd: parseNonNegative(required(raw, 'value_usd'), 'value_usd'),
      flow: 'M',
      note: partnerCode === '490' ? TAIWAN_NOTE : null,
    };
  });
}
