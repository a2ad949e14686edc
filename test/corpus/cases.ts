/**
 * The bad-input corpus: one entry per file under test/corpus/<dir>/ (two are generated: 50 MB lines
 * do not belong in git), each with the outcome it must have. An outcome is either a clear error (the
 * file cannot be read at all; nothing of it lands) or rows: how many land, how many are quarantined
 * with a reason matching `reason`, and how many exact duplicates are dropped. The counts were worked
 * out by hand from each file's content, not read off a run.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { CORPUS_DIR, type Format } from './harness.ts';

type Row = Record<string, unknown>;

type Expected =
  | { error: RegExp }
  | {
      landed: number;
      quarantined: number;
      reason?: RegExp;
      duplicates?: number;
      warning?: RegExp;
      check?: (rows: Row[]) => void;
    };

export interface CorpusCase {
  id: string;
  format: Format;
  /** What is wrong with the input. */
  what: string;
  /** File under test/corpus/, or a generator for inputs too large to commit. */
  file?: string;
  generate?: () => Uint8Array;
  expect: Expected;
}

const fails = (error: RegExp): Expected => ({ error });
const lands = (
  landed: number,
  more: Omit<Extract<Expected, { landed: number }>, 'landed' | 'quarantined'> = {},
): Expected => ({ landed, quarantined: 0, ...more });
const quarantines = (
  landed: number,
  quarantined: number,
  reason: RegExp,
  more: Omit<Extract<Expected, { landed: number }>, 'landed' | 'quarantined' | 'reason'> = {},
): Expected => ({ landed, quarantined, reason, ...more });

/** A row of `rows` whose `column` is `value` has every field in `fields`. */
const rowWith = (column: string, value: unknown, fields: Row) => (rows: Row[]) =>
  expect(
    rows.find((r) => r[column] === value),
    `${column} = ${String(value)}`,
  ).toMatchObject(fields);
const all =
  (...checks: ((rows: Row[]) => void)[]) =>
  (rows: Row[]) => {
    for (const c of checks) c(rows);
  };

const FIFTY_MB = 50 * 1024 * 1024;
const TRADE_HEADER =
  'basket,canonical_product_id,year,partner_code,partner_iso3,partner_name,is_aggregate_partner,import_value_usd,share,rank';

/** The good trade file with one more record whose partner_name is 50 MB long: one 50 MB line. */
function trade50MbLine(): Uint8Array {
  const good = readFileSync(new URL('bundled/trade-good.csv', CORPUS_DIR), 'utf8');
  if (!good.startsWith(TRADE_HEADER)) throw new Error('test/corpus/bundled/trade-good.csv changed its header');
  return new TextEncoder().encode(
    `${good}rare_earths_and_magnets,280530,2021,410,KOR,${'K'.repeat(FIFTY_MB)},f,4486.0,0,5\n`,
  );
}

/** The good Comtrade response, on one line as the API sends it, with one more record whose partnerDesc is 50 MB. */
function comtrade50MbLine(): Uint8Array {
  const envelope = JSON.parse(readFileSync(new URL('comtrade/good.json', CORPUS_DIR), 'utf8')) as {
    data: Row[];
    count: number;
  };
  envelope.data.push({ ...envelope.data[1], partnerCode: 410, partnerISO: 'KOR', partnerDesc: 'K'.repeat(FIFTY_MB) });
  envelope.count = envelope.data.length;
  return new TextEncoder().encode(JSON.stringify(envelope));
}

const SCRIPT = "<script>alert('x')</script><img src=x onerror=alert(1)>";
const SQL = "Japan'); DROP TABLE trade_flows; --";

export const CASES: CorpusCase[] = [
  // ── bundled trade mart (us_imports_by_partner_hs6.csv): 4 good rows unless said otherwise ──
  {
    id: 'trade-good',
    format: 'bundled-trade',
    what: 'baseline: four good rows (China, Japan, 490 "Other Asia, nes", World)',
    expect: lands(4, { check: rowWith('partner_code', '490', { partner_iso3: 'TWN' }) }),
  },
  {
    id: 'trade-truncated-mid-row',
    format: 'bundled-trade',
    what: 'file cut off inside its last row',
    expect: quarantines(3, 1, /expected 10 fields, found 3/),
  },
  {
    id: 'trade-truncated-mid-quote',
    format: 'bundled-trade',
    what: 'file cut off inside a quoted field',
    expect: fails(/quoted field opened on line 4 is never closed/),
  },
  {
    id: 'trade-truncated-to-header',
    format: 'bundled-trade',
    what: 'file cut off right after its header',
    expect: lands(0),
  },
  {
    id: 'trade-empty',
    format: 'bundled-trade',
    what: 'empty file (0 bytes)',
    expect: fails(/us_imports_by_partner_hs6\.csv is empty/),
  },
  {
    id: 'trade-semicolon',
    format: 'bundled-trade',
    what: 'semicolon-separated (European spreadsheet export)',
    expect: fails(/header is missing required columns.*It looks ";"-separated/s),
  },
  { id: 'trade-tab', format: 'bundled-trade', what: 'tab-separated', expect: fails(/It looks tab-separated/) },
  {
    id: 'trade-utf16',
    format: 'bundled-trade',
    what: 'UTF-16 LE with byte-order mark',
    expect: fails(/is UTF-16.*Save .* as UTF-8/s),
  },
  {
    id: 'trade-latin1',
    format: 'bundled-trade',
    what: 'Latin-1 bytes ("Côte d\'Ivoire")',
    expect: fails(/is not valid UTF-8 \(first bad byte on line 6\)/),
  },
  { id: 'trade-bom-crlf', format: 'bundled-trade', what: 'UTF-8 byte-order mark and CRLF line ends', expect: lands(4) },
  {
    id: 'trade-header-renamed',
    format: 'bundled-trade',
    what: 'header drift: import_value_usd renamed value_usd',
    expect: fails(/missing required column import_value_usd/),
  },
  {
    id: 'trade-header-missing',
    format: 'bundled-trade',
    what: 'header drift: partner_code column dropped',
    expect: fails(/missing required column partner_code/),
  },
  { id: 'trade-header-extra', format: 'bundled-trade', what: 'header drift: an extra column', expect: lands(4) },
  {
    id: 'trade-header-reordered',
    format: 'bundled-trade',
    what: 'header drift: value column moved first',
    expect: lands(4, { check: rowWith('partner_code', '156', { value_usd: 10967569 }) }),
  },
  {
    id: 'trade-wrong-types',
    format: 'bundled-trade',
    what: 'year "twenty21" and "2021.5", value "40,600"',
    expect: quarantines(4, 3, /is not a number|is not a whole number/),
  },
  {
    id: 'trade-empty-vs-null',
    format: 'bundled-trade',
    what: 'empty value, the text "null", empty partner code',
    expect: quarantines(
      4,
      3,
      /required field import_value_usd is empty|"null" is not a number|required field partner_code is empty/,
    ),
  },
  {
    id: 'trade-negative',
    format: 'bundled-trade',
    what: 'negative import value',
    expect: quarantines(4, 1, /import_value_usd -5\.0 is negative/),
  },
  {
    id: 'trade-nan-infinity',
    format: 'bundled-trade',
    what: 'NaN, Infinity and 1e309 (overflows to Infinity)',
    expect: quarantines(4, 3, /"NaN" is not a number|"Infinity" is not a number|"1e309" is out of range/),
  },
  {
    id: 'trade-huge',
    format: 'bundled-trade',
    what: '1e308 and 1e15 US dollars',
    expect: quarantines(4, 2, /implausibly large/),
  },
  {
    id: 'trade-unknown-partner',
    format: 'bundled-trade',
    what: 'unknown partner code 999; code 643 labelled JPN',
    expect: quarantines(4, 2, /unknown partner code 999|contradicts countries\.csv/),
  },
  {
    id: 'trade-unknown-hs',
    format: 'bundled-trade',
    what: 'HS 999999 and a 5-digit HS code',
    expect: quarantines(4, 2, /is not in the basket/),
  },
  {
    id: 'trade-duplicates',
    format: 'bundled-trade',
    what: 'the Japan row three times',
    expect: lands(4, { duplicates: 2 }),
  },
  {
    id: 'trade-conflicting-duplicates',
    format: 'bundled-trade',
    what: 'Japan twice with different values',
    expect: quarantines(3, 2, /conflicting duplicate/),
  },
  {
    id: 'trade-future-year',
    format: 'bundled-trade',
    what: 'a row for 2099',
    expect: quarantines(4, 1, /year 2099 is after 2026/),
  },
  {
    id: 'trade-withheld-markers',
    format: 'bundled-trade',
    what: 'values "W", "—", ">95" (the mart has no withheld convention)',
    expect: quarantines(4, 3, /"W" is not a number|"—" is not a number|">95" is not a number/),
  },
  {
    id: 'trade-html-script-names',
    format: 'bundled-trade',
    what: 'HTML and script in a partner name',
    expect: lands(4, { check: rowWith('partner_code', '156', { partner_name: SCRIPT }) }),
  },
  {
    id: 'trade-sql-names',
    format: 'bundled-trade',
    what: 'SQL-looking partner name',
    expect: lands(4, { check: rowWith('partner_code', '392', { partner_name: SQL }) }),
  },
  {
    id: 'trade-formula-names',
    format: 'bundled-trade',
    what: 'partner names " =HYPERLINK(…)" (a space first) and "@SUM(…)"; "  Other Asia, nes  "',
    // Trimming the space would turn the harmless text into a live formula: it stays; plain names are trimmed.
    expect: lands(4, {
      check: all(
        rowWith('partner_code', '156', { partner_name: ' =HYPERLINK("http://evil.example","China")' }),
        rowWith('partner_code', '392', { partner_name: '@SUM(A1:A9)' }),
        rowWith('partner_code', '490', { partner_name: 'Other Asia, nes' }),
      ),
    }),
  },
  {
    id: 'trade-blank-lines-whitespace',
    format: 'bundled-trade',
    what: 'blank lines and spaces around a code',
    expect: lands(4, { check: rowWith('partner_iso3', 'CHN', { partner_code: '156' }) }),
  },
  {
    id: 'trade-50mb-line',
    format: 'bundled-trade',
    what: 'one 50 MB line (a 50 MB partner name)',
    generate: trade50MbLine,
    expect: quarantines(4, 1, /field partner_name is 52428800 characters long/),
  },

  // ── bundled tidy production (rare_earths.csv): 4 good rows ──
  { id: 'production-good', format: 'bundled-production', what: 'baseline: four good rows', expect: lands(4) },
  {
    id: 'production-share-over-100',
    format: 'bundled-production',
    what: 'a share of 150 % (and one of exactly 100 %)',
    expect: quarantines(5, 1, /share 150 is more than 100/),
  },
  {
    id: 'production-withheld-markers',
    format: 'bundled-production',
    what: 'qualifier W with no value; "W", "—", ">95" and "" in the value column',
    expect: quarantines(5, 4, /"W" is not a number|not marked withheld|"—" is not a number|">95" is not a number/, {
      check: rowWith('geo_iso3', 'RUS', { value: null, qualifier: 'W' }),
    }),
  },
  {
    id: 'production-unknown-geo',
    format: 'bundled-production',
    what: 'unknown geo code XYZ',
    expect: quarantines(4, 1, /unknown geo code XYZ/),
  },
  {
    id: 'production-unknown-dataset',
    format: 'bundled-production',
    what: 'unknown dataset',
    expect: quarantines(4, 1, /unknown dataset "unobtainium"/),
  },
  {
    id: 'production-uncited-source',
    format: 'bundled-production',
    what: 'a source_id with no citation',
    expect: quarantines(4, 1, /has no citation/),
  },
  {
    id: 'production-unverified',
    format: 'bundled-production',
    what: 'a row noted UNVERIFIED',
    expect: quarantines(4, 1, /unverified source/),
  },
  {
    id: 'production-future-year',
    format: 'bundled-production',
    what: 'a 2099 figure from a source whose id names no year',
    expect: lands(5, { check: rowWith('year', 2099, { is_projection: true }) }),
  },
  {
    id: 'production-bad-period',
    format: 'bundled-production',
    what: 'periods "last year" and "2023-13-45x"',
    expect: quarantines(4, 2, /is not YYYY, YYYY-MM/),
  },
  {
    id: 'production-unknown-unit',
    format: 'bundled-production',
    what: 'unit "furlongs"',
    expect: quarantines(4, 1, /unknown unit "furlongs"/),
  },
  {
    id: 'production-negative-nan',
    format: 'bundled-production',
    what: 'values -18000, NaN, 1e308',
    expect: quarantines(4, 3, /is negative|"NaN" is not a number|implausibly large/),
  },
  {
    id: 'production-html-geo-name',
    format: 'bundled-production',
    what: 'HTML in a geo name and a script in a note',
    expect: lands(4, {
      check: rowWith('geo_iso3', 'CHN', {
        geo_name: '<img src=x onerror=alert(1)>China',
        note: '<script>document.cookie</script>',
      }),
    }),
  },
  {
    id: 'production-conflicting-duplicates',
    format: 'bundled-production',
    what: 'China 2023 twice with different values',
    expect: quarantines(3, 2, /conflicting duplicate/),
  },
  {
    id: 'production-header-missing',
    format: 'bundled-production',
    what: 'header drift: unit column dropped',
    expect: fails(/missing required column unit/),
  },

  // ── bundled USGS extract (usgs_mcs2026_world_production.csv): 3 good rows ──
  { id: 'usgs-extract-good', format: 'bundled-usgs', what: 'baseline: USA, Australia, World total', expect: lands(3) },
  {
    id: 'usgs-extract-withheld',
    format: 'bundled-usgs',
    what: 'raw "W" (withheld), raw "—" (zero), an empty value not withheld',
    expect: quarantines(5, 1, /not marked withheld/, {
      check: all(rowWith('geo_iso3', 'RUS', { value: null, qualifier: 'W' }), rowWith('geo_iso3', 'CAN', { value: 0 })),
    }),
  },
  {
    id: 'usgs-extract-unknown-chapter',
    format: 'bundled-usgs',
    what: 'a source_path naming no MCS chapter',
    expect: quarantines(3, 1, /names no known MCS chapter/),
  },
  {
    id: 'usgs-extract-unknown-table',
    format: 'bundled-usgs',
    what: 'an unknown USGS table',
    expect: quarantines(3, 1, /has no measure/),
  },
  {
    id: 'usgs-extract-unknown-geo',
    format: 'bundled-usgs',
    what: 'no ISO3 and an unknown country',
    expect: quarantines(3, 1, /neither a world total nor "Other countries"/),
  },

  // ── UN Comtrade JSON (US imports of HS 280530, 2021): 4 good records ──
  {
    id: 'good',
    format: 'comtrade',
    what: 'baseline: World, China, Japan, 490',
    expect: lands(4, { check: rowWith('partner_code', '490', { partner_iso3: 'TWN' }) }),
  },
  {
    id: 'truncated',
    format: 'comtrade',
    what: 'body cut off halfway (retried, then the source is stale)',
    expect: fails(/unusable response body \(not valid JSON/),
  },
  {
    id: 'latin1',
    format: 'comtrade',
    what: 'Latin-1 byte in a name',
    expect: fails(/unusable response body \(not valid UTF-8/),
  },
  {
    id: 'nan-literal',
    format: 'comtrade',
    what: 'NaN literal (not JSON) in one record: that record is quarantined',
    expect: quarantines(3, 1, /record is not valid JSON/),
  },
  { id: 'bom', format: 'comtrade', what: 'UTF-8 byte-order mark', expect: lands(4) },
  {
    id: 'field-renamed',
    format: 'comtrade',
    what: 'schema drift: primaryValue renamed primary_value',
    expect: quarantines(0, 4, /missing required field primaryValue/, {
      warning: /unknown record field primary_value ignored/,
    }),
  },
  {
    id: 'field-missing',
    format: 'comtrade',
    what: 'one record without partnerCode',
    expect: quarantines(3, 1, /missing required field partnerCode/),
  },
  {
    id: 'extra-field',
    format: 'comtrade',
    what: 'schema drift: new record and envelope fields',
    expect: lands(4, { warning: /unknown record field newField ignored/ }),
  },
  {
    id: 'wrong-types',
    format: 'comtrade',
    what: 'refYear and partnerCode as strings',
    expect: quarantines(2, 2, /expected number, received string/),
  },
  {
    id: 'null-vs-empty',
    format: 'comtrade',
    what: 'primaryValue null and ""',
    expect: quarantines(2, 2, /primaryValue: Invalid input/),
  },
  {
    id: 'negative',
    format: 'comtrade',
    what: 'negative primaryValue',
    expect: quarantines(3, 1, /primaryValue -5 is negative/),
  },
  {
    id: 'huge-infinity',
    format: 'comtrade',
    what: 'primaryValue 1e308 and 1e309',
    expect: quarantines(2, 2, /implausibly large|received Infinity/),
  },
  {
    id: 'unknown-partner',
    format: 'comtrade',
    what: 'partner code 9999',
    expect: quarantines(4, 1, /unknown Comtrade partner code 9999/),
  },
  {
    id: 'unknown-hs',
    format: 'comtrade',
    what: 'an HS code not asked for and a 5-digit one',
    expect: quarantines(4, 2, /did not ask for|is not an HS6 code/),
  },
  { id: 'duplicate', format: 'comtrade', what: 'the China record twice', expect: lands(4, { duplicates: 1 }) },
  {
    id: 'conflicting-duplicate',
    format: 'comtrade',
    what: 'China twice with different values',
    expect: quarantines(3, 2, /conflicting duplicate/),
  },
  {
    id: 'future-year',
    format: 'comtrade',
    what: 'a 2099 record in a 2021 reply',
    expect: quarantines(4, 1, /lies outside the partitions the request covers/),
  },
  {
    id: 'html-sql-names',
    format: 'comtrade',
    what: 'script and SQL in partner names',
    expect: lands(4, {
      check: all(
        rowWith('partner_code', '156', { partner_name: "<script>alert('x')</script>" }),
        rowWith('partner_code', '392', { partner_name: SQL }),
      ),
    }),
  },
  {
    id: 'not-envelope',
    format: 'comtrade',
    what: 'a bare array instead of the envelope',
    expect: fails(/not a data envelope/),
  },
  {
    id: 'error-envelope',
    format: 'comtrade',
    what: 'the API says no (error field)',
    expect: fails(/returned an error: Invalid parameter/),
  },
  { id: 'data-null', format: 'comtrade', what: 'data: null', expect: fails(/data of type null/) },
  {
    id: 'breakdown-rows',
    format: 'comtrade',
    what: 'partner2 / customs / transport breakdown records',
    expect: quarantines(4, 3, /breakdown row/),
  },
  {
    id: 'record-not-object',
    format: 'comtrade',
    what: 'null and a string among the records',
    expect: quarantines(4, 2, /record is not an object/),
  },
  {
    id: 'comtrade-50mb-line',
    format: 'comtrade',
    what: 'one 50 MB line (a 50 MB partner name)',
    generate: comtrade50MbLine,
    expect: quarantines(4, 1, /field partnerDesc is 52428800 characters long/),
  },

  // ── US Census array of arrays (imports of HS 854231, 2024): 4 good rows, December gives 1 annual row ──
  {
    id: 'good',
    format: 'census',
    what: 'baseline: 3 countries in January, China in December (+ its annual total)',
    expect: lands(5, { check: rowWith('month', 0, { value_usd: 11000000 }) }),
  },
  { id: 'truncated', format: 'census', what: 'body cut off', expect: fails(/unusable response body \(not valid JSON/) },
  { id: 'latin1', format: 'census', what: 'Latin-1 byte in a name', expect: fails(/not valid UTF-8/) },
  {
    id: 'header-renamed',
    format: 'census',
    what: 'header drift: GEN_VAL_MO renamed',
    expect: quarantines(0, 4, /missing required field GEN_VAL_MO/, { warning: /unknown field GEN_VALUE_MO ignored/ }),
  },
  { id: 'header-reordered', format: 'census', what: 'header drift: columns reordered', expect: lands(5) },
  {
    id: 'extra-column',
    format: 'census',
    what: 'header drift: an extra variable',
    expect: lands(5, { warning: /unknown field NEW_VAR ignored/ }),
  },
  {
    id: 'short-row',
    format: 'census',
    what: 'a row with 4 of 8 values',
    expect: quarantines(5, 1, /expected 8 values, found 4/),
  },
  {
    id: 'wrong-types',
    format: 'census',
    what: 'time "202401", value "abc"',
    expect: quarantines(4, 2, /is not YYYY-MM|"abc" is not a number/),
  },
  {
    id: 'null-vs-empty',
    format: 'census',
    what: 'value null and ""',
    expect: quarantines(5, 2, /missing required field GEN_VAL_MO/),
  },
  {
    id: 'negative',
    format: 'census',
    what: 'negative value',
    expect: quarantines(5, 1, /GEN_VAL_MO -100 is negative/),
  },
  {
    id: 'huge-infinity',
    format: 'census',
    what: 'values 1e308 and 1e309',
    expect: quarantines(5, 2, /implausibly large|"1e309" is out of range/),
  },
  {
    id: 'unknown-country',
    format: 'census',
    what: 'country code 9999',
    expect: quarantines(5, 1, /unknown Census country code 9999/),
  },
  {
    id: 'wrong-commodity',
    format: 'census',
    what: 'a row for another HS code',
    expect: quarantines(5, 1, /row is for I_COMMODITY 999999, requested 854231/),
  },
  { id: 'duplicate', format: 'census', what: 'Mexico January twice', expect: lands(5, { duplicates: 1 }) },
  {
    id: 'conflicting-duplicate',
    format: 'census',
    what: 'Mexico January twice with different values',
    expect: quarantines(4, 2, /conflicting duplicate/),
  },
  {
    id: 'future-month',
    format: 'census',
    what: 'a row for 2099-01',
    expect: quarantines(5, 1, /lies outside the partitions the request covers/),
  },
  {
    id: 'not-array',
    format: 'census',
    what: 'an error object instead of rows',
    expect: fails(/not an array of rows with a header row/),
  },
  {
    id: 'html-names',
    format: 'census',
    what: 'script in a country name',
    expect: lands(5, { check: rowWith('partner_iso3', 'MEX', { partner_name: '<script>alert(1)</script>MEXICO' }) }),
  },
  {
    id: 'december-ytd-bad',
    format: 'census',
    what: 'December year-to-date "abc": the month lands, the annual total does not',
    expect: quarantines(4, 1, /GEN_VAL_YR "abc" is not a number/),
  },

  // ── USGS MCS world CSV (rare earths): 4 countries → 11 value cells ──
  {
    id: 'good',
    format: 'usgs',
    what: 'baseline: 11 value cells (production 2024, 2025e, reserves)',
    expect: lands(11),
  },
  {
    id: 'truncated-mid-quote',
    format: 'usgs',
    what: 'file cut off inside a quoted field',
    expect: fails(/quoted field opened on line 5 is never closed/),
  },
  {
    id: 'truncated-mid-row',
    format: 'usgs',
    what: 'file cut off inside its last row',
    expect: quarantines(8, 1, /expected 8 fields, found 4/),
  },
  {
    id: 'withheld-markers',
    format: 'usgs',
    what: '"W" (withheld), "—" (zero), ">95" (more than)',
    expect: lands(18, {
      check: all(
        rowWith('geo_iso3', 'RUS', { value: null, qualifier: 'W' }),
        rowWith('geo_iso3', 'CAN', { value: 0 }),
        rowWith('geo_iso3', 'BRA', { value: 95, qualifier: '>' }),
      ),
    }),
  },
  {
    id: 'country-column-missing',
    format: 'usgs',
    what: 'header drift: Country merged into Source',
    expect: quarantines(0, 4, /missing required field Country/),
  },
  {
    id: 'unknown-country',
    format: 'usgs',
    what: 'an unknown country name',
    expect: quarantines(11, 2, /unknown USGS country name "Atlantis"/),
  },
  {
    id: 'future-year-column',
    format: 'usgs',
    what: 'a Prod_t_2099 column in the 2026 edition',
    expect: quarantines(11, 4, /no year at or before the MCS 2026 edition/),
  },
  {
    id: 'negative-nan',
    format: 'usgs',
    what: 'values -5 and NaN',
    expect: quarantines(11, 2, /is negative|"NaN" is not a number/),
  },
  {
    id: 'unknown-unit',
    format: 'usgs',
    what: 'a Prod_lb_2023 column (pounds)',
    expect: quarantines(11, 4, /unit "lb" of column Prod_lb_2023/),
  },
  { id: 'latin1', format: 'usgs', what: 'Latin-1 byte in a name', expect: fails(/not valid UTF-8/) },
  {
    id: 'semicolon',
    format: 'usgs',
    what: 'semicolon-separated',
    expect: quarantines(0, 4, /missing required fields Country, Type/),
  },
  {
    id: 'html-sql-names',
    format: 'usgs',
    what: 'script and SQL as country names (no such country)',
    expect: quarantines(11, 4, /unknown USGS country name/),
  },
];

/** Folder of a format's files under test/corpus/. */
export const DIR_OF: Record<Format, string> = {
  'bundled-trade': 'bundled',
  'bundled-production': 'bundled',
  'bundled-usgs': 'bundled',
  comtrade: 'comtrade',
  census: 'census',
  usgs: 'usgs',
};

export const fileOf = (c: CorpusCase): string =>
  c.file ?? `${DIR_OF[c.format]}/${c.id}${c.format === 'comtrade' || c.format === 'census' ? '.json' : '.csv'}`;

export const bytesOf = (c: CorpusCase): Uint8Array =>
  c.generate ? c.generate() : new Uint8Array(readFileSync(new URL(fileOf(c), CORPUS_DIR)));
