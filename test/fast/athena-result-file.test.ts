import type { ColumnInfo } from '@aws-sdk/client-athena';
import { describe, expect, it } from 'vitest';
import { csvRecords, resultFileRows } from '../../src/adapters/athena-engine/athena-result-file.ts';

/** A text cut into chunks of `size` characters, as a stream delivers it (a cut may fall anywhere). */
async function* inChunks(text: string, size: number): AsyncGenerator<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}
async function* bytes(text: string, size: number): AsyncGenerator<Uint8Array> {
  const all = new TextEncoder().encode(text);
  for (let i = 0; i < all.length; i += size) yield all.subarray(i, i + size);
}
const collect = async <T>(items: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
};

const COLUMNS: ColumnInfo[] = [
  { Name: 'partner', Label: 'partner', Type: 'varchar' },
  { Name: 'year', Label: 'year', Type: 'integer' },
  { Name: 'share', Label: 'share', Type: 'double' },
  { Name: 'provisional', Label: 'provisional', Type: 'boolean' },
];
/**
 * A result file as Athena writes one (every value quoted, a quote inside doubled, NULL an empty field
 * without quotes), with the awkward values a partner name can hold: commas, quotes, a line break, and
 * text beyond ASCII whose UTF-8 bytes a chunk boundary can split.
 */
const FILE = [
  '"partner","year","share","provisional"',
  '"China","2024","0.25","false"',
  '"Korea, Republic of","2023",,"true"',
  '"The ""Other"" Asia","2022","0.5",',
  '"Côte d’Ivoire\nline two","2021","1e-3","false"',
  '"",,"0",""',
].join('\n');
const EXPECTED = [
  { partner: 'China', year: 2024, share: 0.25, provisional: false },
  { partner: 'Korea, Republic of', year: 2023, share: null, provisional: true },
  { partner: 'The "Other" Asia', year: 2022, share: 0.5, provisional: null },
  { partner: 'Côte d’Ivoire\nline two', year: 2021, share: 0.001, provisional: false },
  // An empty string stays one; an empty boolean text is not NULL either (Athena never writes it, the reader keeps it apart).
  { partner: '', year: null, share: 0, provisional: false },
];

describe('Athena result files', () => {
  it('reads every value, typed, with NULL and the empty string apart, wherever the chunks are cut', async () => {
    for (const size of [1, 2, 3, 7, 64, FILE.length]) {
      const batches = await collect(resultFileRows(bytes(FILE, size), COLUMNS, 2, 's3://results/q.csv'));
      expect(
        batches.map((b) => b.length),
        `chunks of ${size}`,
      ).toEqual([2, 2, 1]);
      expect(batches.flat(), `chunks of ${size}`).toEqual(EXPECTED);
    }
  });

  it('takes \\r\\n line ends and a last line without one', async () => {
    const records = await collect(csvRecords(inChunks('"a","b"\r\n"1",\r\n"2","x"', 1)));
    expect(records.map((r) => r.map((f) => (f.quoted ? `"${f.text}"` : f.text || 'NULL')))).toEqual([
      ['"a"', '"b"'],
      ['"1"', 'NULL'],
      ['"2"', '"x"'],
    ]);
  });

  it('reads a one-column NULL row, which Athena writes as an empty line', async () => {
    const one: ColumnInfo[] = [{ Name: 'v', Label: 'v', Type: 'varchar' }];
    expect((await collect(resultFileRows(bytes('"v"\n"a"\n\n"b"\n', 4), one, 10, 'q.csv'))).flat()).toEqual([
      { v: 'a' },
      { v: null },
      { v: 'b' },
    ]);
  });

  it('refuses a file that is not this query’s result or was cut short, and says what to do', async () => {
    await expect(collect(resultFileRows(bytes('"x","y"\n"1","2"\n', 8), COLUMNS, 10, 's3://r/q.csv'))).rejects.toThrow(
      /does not start with the query's column labels \(partner, year, share, provisional\)/,
    );
    await expect(
      collect(resultFileRows(bytes(`${FILE}\n"China","2024"\n`, 8), COLUMNS, 10, 's3://r/q.csv')),
    ).rejects.toThrow(/a row of 2 values for 4 columns/);
    await expect(collect(csvRecords(inChunks('"a","b\n', 3)))).rejects.toThrow(/ends inside a quoted value/);
  });
});
