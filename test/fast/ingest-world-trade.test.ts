/**
 * The world-trade and monthly normalizers on small CSV texts in the bundled files' own shapes: good
 * rows land as world_trade / trade_flows rows with their facts, bad rows are rejected with a reason
 * that names the problem, and a file without its columns cannot be read at all.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import type { BasketRow, CountryRow } from '../../data-schemas/curated.ts';
import { parseCsv } from '../../src/core/ingest/csv.ts';
import { normalizeMonthlyTrade } from '../../src/core/ingest/trade.ts';
import { normalizeWorldTrade } from '../../src/core/ingest/world-trade.ts';
import { isWorldTradeFile } from '../../src/core/world-trade-files.ts';
import { InputError } from '../../src/core/errors.ts';
import { referenceBasket, referenceCountries } from '../support/metrics-fixtures.ts';

let countries: CountryRow[];
let basket: BasketRow[];
beforeAll(async () => {
  countries = await referenceCountries();
  basket = await referenceBasket();
});

const world = (file: string, lines: string[]) =>
  normalizeWorldTrade(parseCsv(lines.join('\n'), file), { countries, latestYear: 2026 });
const reasons = (n: { rejects: { line: number; reason: string }[] }) => n.rejects.map((r) => [r.line, r.reason]);

test('the bundled world-trade file names are recognized, other CSVs are not', () => {
  expect(isWorldTradeFile('baci_850511_bilateral_topflows_2015_2024.csv')).toBe(true);
  expect(isWorldTradeFile('baci_hs17_v202601_850511_bilateral_2024_full.csv')).toBe(true);
  expect(isWorldTradeFile('comtrade_raw_850511_usa_mirror_2022_2024.csv')).toBe(true);
  expect(isWorldTradeFile('comtrade_848620_by_reporter_world_2016_2020.csv')).toBe(true);
  expect(isWorldTradeFile('oec_hs4_2846_trade_by_country_2015_2022.csv')).toBe(true);
  expect(isWorldTradeFile('us_imports_by_partner_hs6.csv')).toBe(false);
  expect(isWorldTradeFile('comtrade_monthly_us_imports_from_china_854231_854232_2016_2026.csv')).toBe(false);
});

describe('BACI top flows (ISO2 codes)', () => {
  const file = 'baci_850511_bilateral_topflows_2015_2024.csv';
  const header = 'year,hs6,exporter_iso2,importer_iso2,value_usd,source_note';
  const note = 'UN Comtrade (primary) via CEPII BACI HS17 V202601';

  test('a good row: exporter and importer ISO3, reconciled FOB, HS vintage from the note, coverage top_flows', () => {
    const n = world(file, [
      header,
      `2024,850511,CN,US,366341101,${note}`,
      `2016,850511,TW,DE,5,UN Comtrade (primary) via CEPII BACI HS02 V202601`,
    ]);
    expect(n.rejects).toEqual([]);
    expect(n.candidates.map((c) => c.row)).toMatchObject([
      {
        dataset: 'baci_850511_bilateral_topflows_2015_2024',
        exporter_iso3: 'CHN',
        importer_iso3: 'USA',
        reported_by: 'reconciled',
        flow: 'X',
        value_basis: 'FOB',
        hs_vintage: 'H5',
        coverage: 'top_flows',
        value_usd: 366341101,
        source_id: 'CEPII_BACI_V202601_TOPFLOWS',
      },
      { exporter_iso3: 'TWN', importer_iso3: 'DEU', hs_vintage: 'H2' },
    ]);
  });

  test('bad rows are rejected with their reason', () => {
    const n = world(file, [
      header,
      `2024,850511,XX,US,10,${note}`,
      `2024,850511,CN,US,-5,${note}`,
      `2031,850511,CN,US,10,${note}`,
      '2024,850511,CN,US,10,some other source',
      `2024,85051,CN,US,10,${note}`,
    ]);
    expect(n.candidates).toEqual([]);
    expect(reasons(n)).toEqual([
      [2, 'exporter_iso2 XX is not an ISO 3166-1 alpha-2 code in data-schemas/reference/countries.csv'],
      [3, 'value_usd -5 is negative'],
      [4, 'year 2031 is after 2026, the year of this run: not a recorded trade figure'],
      [5, 'source_note "some other source" names no BACI HS vintage (HS92…HS22)'],
      [6, 'hs6 "85051" is not a 6-digit HS code'],
    ]);
  });

  test('a file without its columns cannot be read', () => {
    expect(() => world(file, ['year,hs6,exporter,importer,value_usd', '2024,850511,CN,US,1'])).toThrow(InputError);
  });
});

describe('Comtrade mirror pull and legacy reporters-with-World', () => {
  test('exports are the exporter’s (FOB), imports the importer’s (US customs value); 490 and S19 are Taiwan', () => {
    const n = world('comtrade_raw_850511_usa_mirror_2022_2024.csv', [
      'year,cmd,flow,reporter,reporter_iso3,reporter_name,partner,partner_iso3,partner_name,value_usd,netwgt_kg,n_rows',
      '2022,850511,X,156,CHN,China,842,USA,USA,571540084,1000,1',
      '2022,850511,M,842,USA,USA,490,S19,"Other Asia, nes",9916759,667048.0,1',
      '2022,850511,X,276,DEU,Germany,842,USA,USA,10,,3',
      '2022,850511,X,156,JPN,China,842,USA,USA,10,,1',
    ]);
    expect(n.candidates.map((c) => c.row)).toMatchObject([
      {
        exporter_iso3: 'CHN',
        importer_iso3: 'USA',
        reported_by: 'exporter',
        flow: 'X',
        value_basis: 'FOB',
        quantity_t: 1,
        note: null,
      },
      {
        exporter_iso3: 'TWN',
        exporter_code: '490',
        importer_iso3: 'USA',
        reported_by: 'importer',
        flow: 'M',
        value_basis: 'customs',
        note: 'partner 490 "Other Asia, nes" mapped to TWN',
      },
      { exporter_iso3: 'DEU', quantity_t: null, note: '3 breakdown rows in the pull; the largest kept as the total' },
    ]);
    expect(reasons(n)).toEqual([[5, 'reporter 156 is JPN in the file but CHN in countries.csv']]);
  });

  test('legacy flows: exports to World and imports from World, re-exports kept apart, Italy under its legacy code', () => {
    const n = world('comtrade_848620_by_reporter_world_2016_2020.csv', [
      'classification,year,trade_flow,reporter_code,reporter,reporter_iso3,partner_code,partner,hs6,trade_value_usd,netweight_kg,flag',
      'H5,2018,Export,381,Italy,ITA,0,World,848620,100,,0',
      'H5,2018,Import,124,Canada,CAN,0,World,848620,200,,2',
      'H5,2018,Re-Export,490,"Other Asia, nes",,0,World,848620,5,,0',
      'H5,2018,Transit,124,Canada,CAN,0,World,848620,5,,0',
    ]);
    expect(n.candidates.map((c) => c.row)).toMatchObject([
      {
        exporter_iso3: 'ITA',
        exporter_code: '381',
        importer_iso3: 'WLD',
        importer_is_aggregate: true,
        flow: 'X',
        reported_by: 'exporter',
        value_basis: 'FOB',
        coverage: 'reporters',
        hs_vintage: 'H5',
      },
      {
        exporter_iso3: 'WLD',
        importer_iso3: 'CAN',
        flow: 'M',
        reported_by: 'importer',
        value_basis: 'FOB',
        note: 'Comtrade legacy flag 2',
      },
      {
        exporter_iso3: 'TWN',
        flow: 'RX',
        note: 'reporter 490 "Other Asia, nes" mapped to TWN; Comtrade legacy flag 0',
      },
    ]);
    expect(reasons(n)).toEqual([[5, 'trade_flow "Transit" is not Export, Import, Re-Export or Re-Import']]);
  });
});

test('OEC: one line gives an export row and a derived import row; an unknown country rejects the line', () => {
  const n = world('oec_hs4_2846_trade_by_country_2015_2022.csv', [
    'year,hs4,iso3_lower,oec_country_id,country,export_value_usd,import_value_usd,net_trade_usd',
    '2022,2846,mys,asmys,Malaysia,577197014.0,,1',
    '2022,2846,zzz,aszzz,Nowhere,1,1,0',
  ]);
  expect(
    n.candidates.map((c) => [
      c.row.exporter_iso3,
      c.row.importer_iso3,
      c.row.flow,
      c.row.value_usd,
      c.derived ?? false,
    ]),
  ).toEqual([
    ['MYS', 'WLD', 'X', 577197014, false],
    ['WLD', 'MYS', 'M', null, true],
  ]);
  expect(reasons(n)).toEqual([[3, 'iso3_lower zzz is not an ISO3 code in data-schemas/reference/countries.csv']]);
});

test('the monthly series: months 1–12 of US imports; a bad period, another reporter or a contradicting ISO3 is rejected', () => {
  const csv = parseCsv(
    [
      'period,reporter,flow,partner_code,partner_iso3,partner,cmd_code,value_usd',
      '2019-03,USA,M,156,CHN,China,854231,100',
      '2019-13,USA,M,156,CHN,China,854231,100',
      '2019-04,JPN,M,156,CHN,China,854231,100',
      '2019-05,USA,M,156,JPN,China,854231,100',
      '2019-06,USA,M,156,CHN,China,999999,100',
    ].join('\n'),
    'comtrade_monthly_us_imports_from_china_854231_854232_2016_2026.csv',
  );
  const n = normalizeMonthlyTrade(csv, { countries, basket, latestYear: 2026 });
  expect(n.candidates.map((c) => c.row)).toMatchObject([
    {
      year: 2019,
      month: 3,
      reporter_iso3: 'USA',
      partner_iso3: 'CHN',
      flow: 'M',
      hs6: '854231',
      value_basis: 'customs',
      source_id: 'COMTRADE_MONTHLY_USA_CHN',
    },
  ]);
  expect(reasons(n)).toEqual([
    [3, 'period "2019-13" is not a month YYYY-MM'],
    [4, 'reporter JPN flow M: the monthly series holds US imports only (USA, M)'],
    [5, 'partner_iso3 JPN contradicts countries.csv, which maps code 156 to CHN'],
    [6, 'HS code 999999 is not in the basket (data-schemas/reference/basket.csv)'],
  ]);
});
