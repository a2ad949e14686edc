/**
 * The envelope scanner reads a large JSON reply without one string of the whole body: it must agree
 * with JSON.parse on every valid body, call every cut-off body broken (so it is retried), and keep a
 * bad record to itself.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { eachElement, InvalidElement, scanJsonEnvelope } from '../../src/core/http/json-envelope.ts';
import { BadBodyError } from '../../src/core/http/retry.ts';

const bytes = (text: string) => new TextEncoder().encode(text);
const elements = (text: string): unknown[] => {
  const env = scanJsonEnvelope(bytes(text), 'data');
  const out: unknown[] = [];
  if (env?.array) eachElement(env.array, (v) => out.push(v));
  return out;
};

const TRICKY = JSON.stringify(
  {
    elapsedTime: '0.1 secs',
    count: 3,
    data: [
      { name: 'braces } ] { [ and "quotes" and \\ backslashes \\"', n: -1.5e-3, ok: true, none: null },
      { nested: { list: [1, [2, { three: '3}' }]], empty: {} }, unicode: 'Côte d’Ivoire — 中国 😀' },
      'a string element',
    ],
    error: '',
    trailing: [1, 2],
  },
  null,
  2,
);

describe('scanJsonEnvelope', () => {
  it('agrees with JSON.parse on members and elements, whitespace and nesting included', () => {
    const parsed = JSON.parse(TRICKY);
    const env = scanJsonEnvelope(bytes(TRICKY), 'data')!;
    expect(env.members).toEqual({ elapsedTime: parsed.elapsedTime, count: 3, error: '', trailing: [1, 2] });
    expect(elements(TRICKY)).toEqual(parsed.data);
  });

  it('agrees with JSON.parse on every valid Comtrade body of the bad-input corpus', () => {
    const dir = new URL('../corpus/comtrade/', import.meta.url);
    let compared = 0;
    for (const file of readdirSync(dir)) {
      const text = readFileSync(new URL(file, dir), 'utf8');
      let parsed: { data?: unknown };
      try {
        parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
      } catch {
        continue;
      }
      if (!Array.isArray(parsed.data)) continue;
      expect(elements(text), file).toEqual(parsed.data);
      compared++;
    }
    expect(compared).toBeGreaterThan(10);
  });

  it('calls a body cut off at any byte broken (BadBodyError, which is retried)', () => {
    const body = bytes(TRICKY);
    for (let end = 1; end < body.length; end++) {
      // A cut inside the trailing whitespace of the object leaves a complete body.
      if (/^\s*$/.test(TRICKY.slice(end))) continue;
      expect(() => scanJsonEnvelope(body.subarray(0, end), 'data'), `cut at ${end}`).toThrow(BadBodyError);
    }
  });

  it('refuses bytes that are not UTF-8 and data after the object', () => {
    const latin1 = Uint8Array.from([...bytes('{"data":[{"name":"C'), 0xf4, ...bytes('te"}]}')]);
    expect(() => scanJsonEnvelope(latin1, 'data')).toThrow(/not valid UTF-8/);
    expect(() => scanJsonEnvelope(bytes('{"data":[]} {"data":[]}'), 'data')).toThrow(/data after the end/);
  });

  it('leaves a body that is not an object to the caller, and reads an empty array', () => {
    expect(scanJsonEnvelope(bytes('[1,2]'), 'data')).toBeUndefined();
    expect(scanJsonEnvelope(bytes('\uFEFF{"data":[]}'), 'data')).toEqual({
      members: {},
      array: { bytes: expect.any(Uint8Array), offsets: [] },
    });
    expect(scanJsonEnvelope(bytes('{"data":{"count":null}}'), 'data')).toEqual({ members: { data: { count: null } } });
  });
});

describe('eachElement', () => {
  it('hands a record that is not valid JSON over as InvalidElement and still reads the rest of its batch and the next batches', () => {
    const records = Array.from({ length: 4_500 }, (_, i) => (i === 2_345 ? '{"v":NaN}' : JSON.stringify({ v: i })));
    const out = elements(`{"data":[${records.join(',')}]}`);
    expect(out).toHaveLength(4_500);
    expect(out[2_345]).toBeInstanceOf(InvalidElement);
    expect((out[2_345] as InvalidElement).text).toBe('{"v":NaN}');
    expect(out.filter((_, i) => i !== 2_345).every((v, k) => (v as { v: number }).v === (k < 2_345 ? k : k + 1))).toBe(
      true,
    );
  });
});
