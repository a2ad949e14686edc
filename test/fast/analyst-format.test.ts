import { parquetMetadata, parquetReadObjects, parquetSchema } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { formatCsv, formatJson, formatTable } from '../../src/core/analyst/format.ts';
import { formatParquet } from '../../src/core/analyst/format-parquet.ts';
import type { QueryResult } from '../../src/core/seams/query-engine.ts';

const result: QueryResult = {
  columns: [
    { name: 'partner_iso3', type: 'VARCHAR' },
    { name: 'value_usd', type: 'DOUBLE' },
    { name: 'rank', type: 'INTEGER' },
    { name: 'n', type: 'bigint' },
    { name: 'note', type: 'varchar' },
    { name: 'ally', type: 'BOOLEAN' },
  ],
  rows: [
    { partner_iso3: 'TWN', value_usd: 1234.5, rank: 1, n: 9007199254740991, note: 'say "hi", ok', ally: true },
    { partner_iso3: 'CHN', value_usd: 0.123456789, rank: 12, n: 3, note: null, ally: false },
  ],
};

describe('output formats', () => {
  it('table: aligned columns, numbers to the right, NULL shown, a row count', () => {
    expect(formatTable(result)).toBe(
      [
        'partner_iso3  value_usd  rank                 n  note          ally',
        '------------  ---------  ----  ----------------  ------------  -----',
        'TWN              1234.5     1  9007199254740991  say "hi", ok  true',
        'CHN            0.123457    12                 3  NULL          false',
        '(2 rows)',
        '',
      ].join('\n'),
    );
  });

  it('csv: RFC 4180 quoting, NULL as an empty field, full precision', () => {
    expect(formatCsv(result)).toBe(
      'partner_iso3,value_usd,rank,n,note,ally\nTWN,1234.5,1,9007199254740991,"say ""hi"", ok",true\nCHN,0.123456789,12,3,,false\n',
    );
  });

  it('csv: text a spreadsheet would run as a formula gets a leading apostrophe, as in the site’s CSVs', () => {
    const hostile: QueryResult = {
      columns: [
        { name: 'partner_name', type: 'VARCHAR' },
        { name: 'value_usd', type: 'DOUBLE' },
      ],
      rows: [
        { partner_name: '=HYPERLINK("http://evil","Japan")', value_usd: -1.5 },
        { partner_name: '+1+cmd|x', value_usd: 2 },
        { partner_name: '-2+3', value_usd: 3 },
        { partner_name: '@SUM(A1:A9)', value_usd: 4 },
        { partner_name: '\tTAB', value_usd: 5 },
        { partner_name: '  =1+1', value_usd: 6 },
        { partner_name: '-12345678901234567890', value_usd: 7 },
      ],
    };
    expect(formatCsv(hostile)).toBe(
      [
        'partner_name,value_usd',
        '"\'=HYPERLINK(""http://evil"",""Japan"")",-1.5',
        "'+1+cmd|x,2",
        "'-2+3,3",
        "'@SUM(A1:A9),4",
        "'\tTAB,5",
        "'  =1+1,6",
        '-12345678901234567890,7',
        '',
      ].join('\n'),
    );
  });

  it('json: an array of row objects that parses back to the rows', () => {
    expect(JSON.parse(formatJson(result))).toEqual(result.rows);
    expect(formatJson({ columns: result.columns, rows: [] })).toBe('[]\n');
  });

  it('parquet: the engine types become Parquet types and the values read back', async () => {
    const bytes = formatParquet(result);
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const schema = parquetSchema(parquetMetadata(file));
    expect(schema.children.map((c) => [c.element.name, c.element.type])).toEqual([
      ['partner_iso3', 'BYTE_ARRAY'],
      ['value_usd', 'DOUBLE'],
      ['rank', 'INT32'],
      ['n', 'INT64'],
      ['note', 'BYTE_ARRAY'],
      ['ally', 'BOOLEAN'],
    ]);
    const rows = await parquetReadObjects({ file });
    expect(rows.map((r) => ({ ...r, n: Number(r.n) }))).toEqual(result.rows);
  });
});
