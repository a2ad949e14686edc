import { worldTrade, type CountryRow, type WorldTradeRow } from '../../../data-schemas/curated.ts';
import { originsOf, requireColumns, type CsvFile } from './csv.ts';
import {
  normalizeRow,
  parseDecimal,
  parseNonNegative,
  required,
  RowProblem,
  type Normalized,
  type Origin,
} from './rows.ts';
import { BUNDLED_SOURCE } from '../sources.ts';
import { TAIWAN_NOTE } from './trade.ts';
import { WORLD_TRADE_FILES, worldTradeDataset } from '../world-trade-files.ts';

/**
 * The world-trade files of data/bundled (their provenance: SOURCES.md, "World trade, mirror flows and
 * a monthly series") → world_trade. Each file is one dataset with its own facts (who declared the
 * values, their valuation basis, how much of the world it lists); a file whose name matches none of
 * these is not world trade. The dataset id is the file name without `.csv`.
 */
interface WorldTradeFile {
  /** File name pattern in data/bundled/. */
  file: RegExp;
  /** Columns the rows are read from; a file without them cannot be read. */
  columns: readonly string[];
  /** The world_trade rows of one record: a row problem rejects the record. */
  rows: (
    raw: Record<string, string>,
    ctx: { dataset: string; codes: CountryCodes; latestYear: number },
  ) => WorldTradeRow[];
}

export interface WorldReference {
  countries: readonly CountryRow[];
  /** The year of the run: a trade figure for a later year cannot have been recorded yet. */
  latestYear: number;
}

/** A country or World as a world_trade side: ISO3, the code as given, aggregate flag, and a note when mapped. */
interface Side {
  iso3: string;
  code: string;
  aggregate: boolean;
  note?: string;
}

/** Codes a country table can be looked up by. */
class CountryCodes {
  private readonly byIso3: Map<string, CountryRow>;
  private readonly byIso2: Map<string, CountryRow>;
  private readonly byComtrade: Map<string, CountryRow>;
  constructor(countries: readonly CountryRow[]) {
    this.byIso3 = new Map(countries.map((c) => [c.iso3, c]));
    this.byIso2 = new Map(countries.filter((c) => c.iso2 !== null).map((c) => [c.iso2!, c]));
    this.byComtrade = new Map(countries.filter((c) => c.comtrade_code !== null).map((c) => [c.comtrade_code!, c]));
  }

  private side(row: CountryRow, code: string, note?: string): Side {
    return { iso3: row.iso3, code, aggregate: row.is_aggregate, ...(note ? { note } : {}) };
  }

  iso2(code: string, column: string): Side {
    const row = this.byIso2.get(code);
    if (!row)
      throw new RowProblem(
        `${column} ${code} is not an ISO 3166-1 alpha-2 code in data-schemas/reference/countries.csv`,
      );
    return this.side(row, code);
  }

  /** BACI's ISO3 column: ISO3 codes, plus S19 for "Other Asia, nes", which is Taiwan (as Comtrade 490). */
  baciIso3(code: string, column: string): Side {
    if (code === 'S19')
      return this.side(this.byIso3.get('TWN')!, code, `BACI ${column} S19 "Other Asia, nes" mapped to TWN`);
    const row = this.byIso3.get(code);
    if (!row) throw new RowProblem(`${column} ${code} is not an ISO3 code in data-schemas/reference/countries.csv`);
    return this.side(row, code);
  }

  /**
   * A Comtrade code with the ISO3 the file states beside it. Legacy Comtrade codes changed over time
   * (Italy 381 and 380), so a stated ISO3 the reference knows wins; without one the code decides (490
   * "Other Asia, nes" → TWN, 0 → World). A code the reference maps to another ISO3 than stated is a
   * contradiction; a code the reference does not know (a legacy one) is not. An extract that mapped
   * codes with BACI's country list states S19 for 490: that is no ISO3, so the code decides.
   */
  comtrade(code: string, stated: string, column: string): Side {
    const byCode = this.byComtrade.get(code);
    const statedIso3 = stated === 'S19' ? '' : stated;
    if (statedIso3 !== '') {
      const stated = this.byIso3.get(statedIso3);
      if (!stated) throw new RowProblem(`${column} ISO3 ${statedIso3} is not in data-schemas/reference/countries.csv`);
      if (byCode && byCode.iso3 !== stated.iso3) {
        throw new RowProblem(`${column} ${code} is ${statedIso3} in the file but ${byCode.iso3} in countries.csv`);
      }
      return this.side(stated, code);
    }
    if (!byCode)
      throw new RowProblem(
        `${column} ${code} has no ISO3 in the file and is not a Comtrade code in data-schemas/reference/countries.csv`,
      );
    return this.side(byCode, code, code === '490' ? TAIWAN_NOTE.replace('partner', column) : undefined);
  }

  oecIso3(lower: string): Side {
    const code = lower.toUpperCase();
    const row = this.byIso3.get(code);
    if (!row) throw new RowProblem(`iso3_lower ${lower} is not an ISO3 code in data-schemas/reference/countries.csv`);
    return this.side(row, lower);
  }

  get world(): Side {
    return this.side(this.byIso3.get('WLD')!, '0');
  }
}

/**
 * The valuation basis of an importer's declared imports (metrics spec §4.3): the US declares customs
 * value, Canada and Mexico compile imports FOB, Australia customs value; the rest follow IMTS 2010 (CIF).
 */
const IMPORT_BASIS: Record<string, WorldTradeRow['value_basis']> = {
  USA: 'customs',
  AUS: 'customs',
  CAN: 'FOB',
  MEX: 'FOB',
};
const importBasis = (importerIso3: string): WorldTradeRow['value_basis'] => IMPORT_BASIS[importerIso3] ?? 'CIF';

const BACI_VINTAGES: Record<string, string> = {
  '92': 'H0',
  '96': 'H1',
  '02': 'H2',
  '07': 'H3',
  '12': 'H4',
  '17': 'H5',
  '22': 'H6',
};

function year(raw: Record<string, string>, column: string, latestYear: number): number {
  const y = parseDecimal(required(raw, column), column);
  if (!Number.isInteger(y)) throw new RowProblem(`${column} "${raw[column]}" is not a whole number`);
  if (y > latestYear)
    throw new RowProblem(`${column} ${y} is after ${latestYear}, the year of this run: not a recorded trade figure`);
  return y;
}

function hsCode(raw: Record<string, string>, column: string, digits: 4 | 6): string {
  const code = required(raw, column);
  if (!new RegExp(`^\\d{${digits}}$`).test(code))
    throw new RowProblem(`${column} "${code}" is not a ${digits}-digit HS code`);
  return code;
}

const notes = (...parts: (string | undefined)[]): string | null => parts.filter(Boolean).join('; ') || null;

type Facts = Pick<WorldTradeRow, 'reported_by' | 'coverage' | 'source_id'> & { hs_level: number };

function row(
  dataset: string,
  facts: Facts,
  fields: {
    year: number;
    hs_code: string;
    hs_vintage: string | null;
    exporter: Side;
    importer: Side;
    flow: WorldTradeRow['flow'];
    value_usd: number | null;
    value_basis: WorldTradeRow['value_basis'];
    quantity_t: number | null;
    note?: string | null;
  },
): WorldTradeRow {
  return {
    source: BUNDLED_SOURCE,
    dataset,
    year: fields.year,
    hs_code: fields.hs_code,
    hs_level: facts.hs_level,
    hs_vintage: fields.hs_vintage,
    exporter_iso3: fields.exporter.iso3,
    exporter_code: fields.exporter.code,
    exporter_is_aggregate: fields.exporter.aggregate,
    importer_iso3: fields.importer.iso3,
    importer_code: fields.importer.code,
    importer_is_aggregate: fields.importer.aggregate,
    reported_by: facts.reported_by,
    flow: fields.flow,
    value_usd: fields.value_usd,
    value_basis: fields.value_basis,
    quantity_t: fields.quantity_t,
    coverage: facts.coverage,
    source_id: facts.source_id,
    note: notes(fields.exporter.note, fields.importer.note, fields.note ?? undefined),
  };
}

const optionalAmount = (text: string | undefined, column: string): number | null =>
  (text ?? '').trim() === '' ? null : parseNonNegative(text!, column);

/** Rows of a file, one or more per record (derived ones marked), each record rejected whole on a problem. */
function normalizeFile(
  csv: CsvFile,
  columns: readonly string[],
  toRows: (origin: Origin) => WorldTradeRow[],
): Normalized<WorldTradeRow> {
  requireColumns(csv, columns);
  const out: Normalized<WorldTradeRow> = { candidates: [], rejects: [] };
  for (const origin of originsOf(csv)) {
    const one: Normalized<WorldTradeRow[]> = { candidates: [], rejects: [] };
    normalizeRow(worldTrade.name, origin, toRows, one);
    out.rejects.push(...one.rejects);
    for (const c of one.candidates) {
      for (const [i, r] of c.row.entries()) {
        out.candidates.push({ table: worldTrade.name, origin, row: r, ...(i > 0 ? { derived: true } : {}) });
      }
    }
  }
  return out;
}

const BACI_TOPFLOWS: Facts = {
  reported_by: 'reconciled',
  coverage: 'top_flows',
  source_id: 'CEPII_BACI_V202601_TOPFLOWS',
  hs_level: 6,
};
const BACI_FULL: Facts = {
  reported_by: 'reconciled',
  coverage: 'complete',
  source_id: 'CEPII_BACI_V202601_FULL_2024',
  hs_level: 6,
};
const COMTRADE_MIRROR = { coverage: 'reporters', source_id: 'COMTRADE_850511_USA_MIRROR', hs_level: 6 } as const;
const COMTRADE_WORLD = { coverage: 'reporters', source_id: 'COMTRADE_LEGACY_848620_WORLD', hs_level: 6 } as const;
const OEC_HS4: Facts = { reported_by: 'reconciled', coverage: 'country_list', source_id: 'OEC_HS4_2846', hs_level: 4 };

const LEGACY_FLOWS: Record<string, WorldTradeRow['flow']> = {
  Export: 'X',
  Import: 'M',
  'Re-Export': 'RX',
  'Re-Import': 'RM',
};

const KINDS: readonly WorldTradeFile[] = [
  {
    // CEPII BACI edge list (exporter × importer, ISO2), most of the world's value per year.
    file: WORLD_TRADE_FILES.baciTopflows,
    columns: ['year', 'hs6', 'exporter_iso2', 'importer_iso2', 'value_usd', 'source_note'],
    rows: (raw, { dataset, codes, latestYear }) => {
      const vintage = /BACI HS(\d\d) /.exec(required(raw, 'source_note'))?.[1];
      if (!vintage || !BACI_VINTAGES[vintage])
        throw new RowProblem(`source_note "${raw.source_note}" names no BACI HS vintage (HS92…HS22)`);
      return [
        row(dataset, BACI_TOPFLOWS, {
          year: year(raw, 'year', latestYear),
          hs_code: hsCode(raw, 'hs6', 6),
          hs_vintage: BACI_VINTAGES[vintage],
          exporter: codes.iso2(required(raw, 'exporter_iso2'), 'exporter_iso2'),
          importer: codes.iso2(required(raw, 'importer_iso2'), 'importer_iso2'),
          flow: 'X',
          value_usd: parseNonNegative(required(raw, 'value_usd'), 'value_usd'),
          value_basis: 'FOB',
          quantity_t: null,
        }),
      ];
    },
  },
  {
    // The full BACI HS17 table of one product and year, with tonnes.
    file: WORLD_TRADE_FILES.baciFull,
    columns: ['year', 'hs6', 'exporter', 'importer', 'value_usd', 'qty_t'],
    rows: (raw, { dataset, codes, latestYear }) => [
      row(dataset, BACI_FULL, {
        year: year(raw, 'year', latestYear),
        hs_code: hsCode(raw, 'hs6', 6),
        hs_vintage: 'H5',
        exporter: codes.baciIso3(required(raw, 'exporter'), 'exporter'),
        importer: codes.baciIso3(required(raw, 'importer'), 'importer'),
        flow: 'X',
        value_usd: parseNonNegative(required(raw, 'value_usd'), 'value_usd'),
        value_basis: 'FOB',
        quantity_t: optionalAmount(raw.qty_t, 'qty_t'),
      }),
    ],
  },
  {
    // UN Comtrade: every reporter's exports to the USA (the mirror side) and the USA's imports by partner.
    file: WORLD_TRADE_FILES.comtradeMirror,
    columns: [
      'year',
      'cmd',
      'flow',
      'reporter',
      'reporter_iso3',
      'partner',
      'partner_iso3',
      'value_usd',
      'netwgt_kg',
      'n_rows',
    ],
    rows: (raw, { dataset, codes, latestYear }) => {
      const flow = required(raw, 'flow');
      if (flow !== 'X' && flow !== 'M') throw new RowProblem(`flow "${flow}" is neither X nor M`);
      const reporter = codes.comtrade(required(raw, 'reporter'), raw.reporter_iso3.trim(), 'reporter');
      const partner = codes.comtrade(required(raw, 'partner'), raw.partner_iso3.trim(), 'partner');
      const breakdown = parseDecimal(required(raw, 'n_rows'), 'n_rows');
      const weight = optionalAmount(raw.netwgt_kg, 'netwgt_kg');
      return [
        row(
          dataset,
          { ...COMTRADE_MIRROR, reported_by: flow === 'X' ? 'exporter' : 'importer' },
          {
            year: year(raw, 'year', latestYear),
            hs_code: hsCode(raw, 'cmd', 6),
            hs_vintage: null,
            exporter: flow === 'X' ? reporter : partner,
            importer: flow === 'X' ? partner : reporter,
            flow,
            value_usd: parseNonNegative(required(raw, 'value_usd'), 'value_usd'),
            value_basis: flow === 'X' ? 'FOB' : importBasis(reporter.iso3),
            quantity_t: weight === null ? null : weight / 1000,
            note: breakdown > 1 ? `${breakdown} breakdown rows in the pull; the largest kept as the total` : null,
          },
        ),
      ];
    },
  },
  {
    // Legacy UN Comtrade: every reporter's trade of one product with World.
    file: WORLD_TRADE_FILES.comtradeByReporter,
    columns: [
      'classification',
      'year',
      'trade_flow',
      'reporter_code',
      'reporter_iso3',
      'partner_code',
      'hs6',
      'trade_value_usd',
      'netweight_kg',
      'flag',
    ],
    rows: (raw, { dataset, codes, latestYear }) => {
      const flow = LEGACY_FLOWS[required(raw, 'trade_flow')];
      if (!flow) throw new RowProblem(`trade_flow "${raw.trade_flow}" is not Export, Import, Re-Export or Re-Import`);
      const reporter = codes.comtrade(required(raw, 'reporter_code'), raw.reporter_iso3.trim(), 'reporter');
      const partner = codes.comtrade(required(raw, 'partner_code'), '', 'partner');
      const outward = flow === 'X' || flow === 'RX';
      const weight = optionalAmount(raw.netweight_kg, 'netweight_kg');
      const vintage = required(raw, 'classification');
      if (!/^H\d$/.test(vintage)) throw new RowProblem(`classification "${vintage}" is not an HS vintage (H0…H6)`);
      return [
        row(
          dataset,
          { ...COMTRADE_WORLD, reported_by: outward ? 'exporter' : 'importer' },
          {
            year: year(raw, 'year', latestYear),
            hs_code: hsCode(raw, 'hs6', 6),
            hs_vintage: vintage,
            exporter: outward ? reporter : partner,
            importer: outward ? partner : reporter,
            flow,
            value_usd: parseNonNegative(required(raw, 'trade_value_usd'), 'trade_value_usd'),
            value_basis: outward ? 'FOB' : importBasis(reporter.iso3),
            quantity_t: weight === null ? null : weight / 1000,
            note: raw.flag.trim() === '' ? null : `Comtrade legacy flag ${raw.flag.trim()}`,
          },
        ),
      ];
    },
  },
  {
    // OEC (built on BACI): each country's exports and imports of an HS4 heading; the import row is derived.
    file: WORLD_TRADE_FILES.oecHs4,
    columns: ['year', 'hs4', 'iso3_lower', 'export_value_usd', 'import_value_usd'],
    rows: (raw, { dataset, codes, latestYear }) => {
      const country = codes.oecIso3(required(raw, 'iso3_lower'));
      const shared = {
        year: year(raw, 'year', latestYear),
        hs_code: hsCode(raw, 'hs4', 4),
        hs_vintage: null,
        value_basis: 'FOB',
        quantity_t: null,
      } as const;
      return [
        row(dataset, OEC_HS4, {
          ...shared,
          exporter: country,
          importer: codes.world,
          flow: 'X',
          value_usd: optionalAmount(raw.export_value_usd, 'export_value_usd'),
        }),
        row(dataset, OEC_HS4, {
          ...shared,
          exporter: codes.world,
          importer: country,
          flow: 'M',
          value_usd: optionalAmount(raw.import_value_usd, 'import_value_usd'),
        }),
      ];
    },
  },
];

/** A world-trade file of data/bundled → world_trade rows (the file must match one of WORLD_TRADE_FILES). */
export function normalizeWorldTrade(csv: CsvFile, ref: WorldReference): Normalized<WorldTradeRow> {
  const kind = KINDS.find((f) => f.file.test(csv.file));
  if (!kind) throw new Error(`${csv.file} is not a world-trade file`);
  const ctx = {
    dataset: worldTradeDataset(csv.file),
    codes: new CountryCodes(ref.countries),
    latestYear: ref.latestYear,
  };
  return normalizeFile(csv, kind.columns, ({ raw }) => kind.rows(raw, ctx));
}
