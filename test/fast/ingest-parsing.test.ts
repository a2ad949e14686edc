/** The ingest's readers and rules on small inputs: CSV, SOURCES.md tables, periods, units, stages. */
import { describe, expect, it } from 'vitest';
import { parseCsv, requireColumns } from '../../src/core/ingest/csv.ts';
import { isProjection, periodEndYear, publicationYear } from '../../src/core/ingest/period.ts';
import { commodityOf, stageOfMeasure } from '../../src/core/ingest/production-rules.ts';
import { RowProblem } from '../../src/core/ingest/rows.ts';
import { expandSourceIds, sourcesFromMarkdown } from '../../src/core/ingest/sources-md.ts';
import { canonicalValue } from '../../src/core/ingest/units.ts';
import { InputError } from '../../src/core/errors.ts';

describe('parseCsv', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks; drops a BOM; accepts CRLF', () => {
    const text =
      '\uFEFFcode,name,note\r\n344,"China, Hong Kong SAR",plain\r\n490,"Other Asia, nes","says ""hi""\r\nover two lines"\r\n\r\n156,China,\r\n';
    const csv = parseCsv(text, 'x.csv');
    expect(csv.header).toEqual(['code', 'name', 'note']);
    expect(csv.records.map((r) => [r.line, r.values])).toEqual([
      [2, { code: '344', name: 'China, Hong Kong SAR', note: 'plain' }],
      [3, { code: '490', name: 'Other Asia, nes', note: 'says "hi"\r\nover two lines' }],
      [6, { code: '156', name: 'China', note: '' }],
    ]);
  });

  it('reads a last line without a newline', () => {
    expect(parseCsv('a,b\n1,2', 'x.csv').records[0].values).toEqual({ a: '1', b: '2' });
  });

  it('flags a record with the wrong number of fields instead of guessing', () => {
    const [short, long] = parseCsv('a,b\n1\n1,2,3\n', 'x.csv').records;
    expect(short.fieldCountError).toBe('expected 2 fields, found 1');
    expect(long.fieldCountError).toBe('expected 2 fields, found 3');
  });

  it('rejects an unclosed quote and an empty file with InputError', () => {
    expect(() => parseCsv('a,b\n1,"open\n', 'x.csv')).toThrow(
      /x\.csv: a quoted field opened on line 2 is never closed/,
    );
    expect(() => parseCsv('', 'empty.csv')).toThrow(InputError);
  });

  it('requireColumns names the missing columns and the expected header', () => {
    const csv = parseCsv('a,c\n1,2\n', 'x.csv');
    expect(() => requireColumns(csv, ['a', 'b', 'c', 'd'])).toThrow(
      'x.csv: header is missing required columns b, d (found: a, c)',
    );
  });
});

describe('SOURCES.md tables', () => {
  const md = [
    '# Sources',
    '## Rare earths (rare_earths.csv)',
    '| source_id | citation | where seen |',
    '|---|---|---|',
    '| NEWS_2019 / _2021 | Investing News, *Top countries*, https://example.org/a. | pages corpus — SECONDARY |',
    '| IEA_X | IEA (2024), *Outlook*, CC BY 4.0 | https://www.iea.org/x |',
    '| (context) CRS R1 | a context note | nowhere |',
    '## Trade',
    '| source_id | citation | where seen |',
    '|---|---|---|',
    '| FORUM_1 | Forbes article | forum repost http://forum.example/t?1 |',
  ].join('\n');

  it('expands shorthand ids and reads topic, URL, licence and the secondary flag', () => {
    const { candidates, rejects } = sourcesFromMarkdown(md, 'SOURCES.md');
    expect(candidates.map((c) => c.row)).toEqual([
      {
        source: 'bundled',
        source_id: 'NEWS_2019',
        topic: 'Rare earths',
        citation: 'Investing News, Top countries, https://example.org/a.',
        url: 'https://example.org/a',
        where_seen: 'pages corpus — SECONDARY',
        is_secondary: true,
        licence: null,
      },
      {
        source: 'bundled',
        source_id: 'NEWS_2021',
        topic: 'Rare earths',
        citation: 'Investing News, Top countries, https://example.org/a.',
        url: 'https://example.org/a',
        where_seen: 'pages corpus — SECONDARY',
        is_secondary: true,
        licence: null,
      },
      {
        source: 'bundled',
        source_id: 'IEA_X',
        topic: 'Rare earths',
        citation: 'IEA (2024), Outlook, CC BY 4.0',
        url: 'https://www.iea.org/x',
        where_seen: 'https://www.iea.org/x',
        is_secondary: false,
        licence: 'CC BY 4.0',
      },
      {
        source: 'bundled',
        source_id: 'FORUM_1',
        topic: 'Trade',
        citation: 'Forbes article',
        url: 'http://forum.example/t?1',
        where_seen: 'forum repost http://forum.example/t?1',
        is_secondary: true,
        licence: null,
      },
    ]);
    expect(rejects).toHaveLength(1);
    expect(rejects[0]).toMatchObject({ file: 'SOURCES.md', line: 7, table: 'sources' });
    expect(rejects[0].reason).toMatch(/"\(context\) CRS R1" is not a source id/);
  });

  it('expandSourceIds replaces the last segment of the first id', () => {
    expect(expandSourceIds('USGS_MCS2026_LI / _CO / _GR')).toEqual([
      'USGS_MCS2026_LI',
      'USGS_MCS2026_CO',
      'USGS_MCS2026_GR',
    ]);
  });

  it('a citation table without the expected header is an InputError', () => {
    expect(() => sourcesFromMarkdown('| id | text |\n|---|---|\n| A | b |', 'SOURCES.md')).toThrow(InputError);
  });
});

describe('periods and projections', () => {
  it('takes the year a period ends in', () => {
    expect(['2020', '2019-12', '2020-2030', '2019-07-16/2020-07-15', '2019-01/2019-07', ''].map(periodEndYear)).toEqual(
      [2020, 2019, 2030, 2020, 2019, null],
    );
    expect(() => periodEndYear('FY20')).toThrow(RowProblem);
  });

  it('reads the publication year of a source id and flags later periods as projections', () => {
    expect(['BCG_2020_WEB', 'USGS_MCS2026_LI', 'IEA_GEVO2024', 'THINCB2B'].map(publicationYear)).toEqual([
      2020,
      2026,
      2024,
      null,
    ]);
    expect(isProjection('share_of_new_capacity_next_decade', 2030, 2020)).toBe(true);
    expect(isProjection('fab_capacity_share_projection', 2032, null)).toBe(true);
    expect(isProjection('mine_production', 2025, 2026)).toBe(false);
  });
});

describe('units, stages, commodities', () => {
  it('maps source units to canonical ones and keeps the wording', () => {
    expect(canonicalValue(10.8, 'billion_usd')).toEqual({
      value: 10_800_000_000,
      unit: 'usd',
      unitDetail: 'billion_usd',
      conversion: 'value converted from billion usd (× 1,000,000,000)',
    });
    expect(canonicalValue(37, 'percent_of_global')).toMatchObject({
      value: 37,
      unit: 'percent',
      unitDetail: 'percent_of_global',
      conversion: null,
    });
    expect(canonicalValue(203, 'percent_change')).toMatchObject({ value: 203, unit: 'percent' });
    expect(canonicalValue(null, '(Data in kilograms, gallium content, unless otherwise specified)')).toMatchObject({
      value: null,
      unit: 'kg',
    });
    expect(canonicalValue(5, 't_REO')).toMatchObject({ unit: 't_REO', unitDetail: null });
    expect(() => canonicalValue(101, 'percent_of_us_imports')).toThrow(
      'share 101 is more than 100 (percent_of_us_imports)',
    );
    expect(() => canonicalValue(1, 'furlongs')).toThrow(/unknown unit "furlongs"/);
  });

  it('maps measures to supply-chain stages and commodities', () => {
    const stages = [
      'reserves',
      'lithium_mine_production',
      'us_production_mineral_concentrates',
      'low_purity_production',
      'us_net_import_reliance_compounds_metals',
      'us_apparent_consumption_compounds_metals',
      'fab_capacity_share',
      'world_medical_face_mask_supply',
    ].map(stageOfMeasure);
    expect(stages).toEqual([
      'reserves',
      'mining',
      'mining',
      'refining',
      'trade',
      'demand',
      'manufacturing',
      'manufacturing',
    ]);
    expect(() => stageOfMeasure('sentiment_index')).toThrow(/no supply-chain stage rule/);
    expect([
      commodityOf('ev_batteries', 'graphite_natural_reserves'),
      commodityOf('ev_batteries', 'ev_battery_demand'),
      commodityOf('medical_supplies', 'china_share_us_ppe_imports'),
      commodityOf('semiconductors', 'fab_capacity_share'),
    ]).toEqual(['natural_graphite', 'li_ion_batteries', 'ppe', 'chips']);
  });
});
