import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.ts';
import { parseCsv } from '../../src/core/ingest/csv.ts';
import { csvBatches } from '../../src/core/ingest/csv-stream.ts';

/**
 * The streamed reader of the bundled trade mart gives exactly what parsing the whole file gives: the same
 * records with the same line numbers, in batches, across read chunks (1 MB) that split quoted fields,
 * line breaks inside quotes, doubled quotes and multi-byte characters.
 */
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chainwatch-csv-stream-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function batchesOf(text: string | Uint8Array, size: number) {
  const path = join(dir, 'f.csv');
  await writeFile(path, text);
  const out = [];
  for await (const b of csvBatches(path, 'f.csv', size)) out.push(b);
  return out;
}

describe('csvBatches', () => {
  it('matches parseCsv record for record over a file of several read chunks', async () => {
    const lines = ['\uFEFFa,b,c'];
    for (let i = 0; i < 80_000; i++) {
      lines.push(
        i % 7 === 0
          ? `${i},"Côte d’Ivoire, ""quoted""\r\nsecond line",x`
          : `${i},Straße ${'é'.repeat(i % 13)},${i % 3}`,
      );
    }
    const text = lines.join('\n') + '\n';
    expect(Buffer.byteLength(text)).toBeGreaterThan(2 * (1 << 20));
    const whole = parseCsv(text, 'f.csv');
    const batches = await batchesOf(text, 1000);
    expect(batches.length).toBeGreaterThan(50);
    expect(batches.every((b) => b.records.length <= 1000)).toBe(true);
    for (const b of batches) expect(b.header).toEqual(whole.header);
    expect(batches.flatMap((b) => b.records)).toEqual(whole.records);
  });

  it('reads records longer than a read: a quoted field over several chunks and a header split across reads', async () => {
    // A 3.5 MB field holding line breaks and doubled quotes, between short records; and a header whose line
    // break comes after the first 1 MB read, so the header itself spans two reads.
    const long = `"${'x""y\n'.repeat(700_000)}"`;
    const header = `${'h'.repeat((1 << 20) + 10)},b`;
    const text = `${header}\n1,a\n2,${long}\n3,c\n`;
    const whole = parseCsv(text, 'f.csv');
    expect(whole.records).toHaveLength(3);
    for (const size of [1, 2, 10]) {
      const batches = await batchesOf(text, size);
      for (const b of batches) expect(b.header).toEqual(whole.header);
      expect(batches.flatMap((b) => b.records)).toEqual(whole.records);
    }
  });

  it('reads a last record without a line break, and a header-only file as no records', async () => {
    expect((await batchesOf('a,b\n1,2\n3,4', 1)).flatMap((b) => b.records.map((r) => [r.line, r.values.b]))).toEqual([
      [2, '2'],
      [3, '4'],
    ]);
    expect((await batchesOf('a,b\n', 5)).flatMap((b) => b.records)).toEqual([]);
  });

  it('refuses what decodeUtf8 refuses: UTF-16, bytes that are not UTF-8, NUL, an empty file', async () => {
    await expect(batchesOf(new Uint8Array([0xff, 0xfe, 0x61, 0]), 5)).rejects.toThrow(/UTF-16/);
    await expect(batchesOf(new Uint8Array([0x61, 0x0a, 0x62, 0x0a, 0xe9, 0x0a]), 5)).rejects.toThrow(
      /not valid UTF-8 \(first bad byte on line 3\)/,
    );
    await expect(batchesOf('a\nb\u0000\n', 5)).rejects.toThrow(/NUL bytes \(line 2\)/);
    await expect(batchesOf('', 5)).rejects.toBeInstanceOf(InputError);
  });
});
