import { isUtf8 } from 'node:buffer';
import { BadBodyError } from './retry.ts';

/**
 * A JSON object body whose one large member is an array of records (an API's data envelope), read
 * without decoding the whole body into one string. The other members are parsed; the array's
 * elements are located by byte offset and parsed a batch at a time by `eachElement`. An 80 MB reply
 * then never exists as an 80 MB string beside all of its parsed records.
 *
 * The structural scan checks what a retry can fix: a body cut off anywhere (an unclosed string,
 * object or array) or not UTF-8 is a BadBodyError. A single element that is not valid JSON is the
 * element's problem, reported by `eachElement`, like any other bad record.
 */
export interface JsonEnvelope {
  /** Top-level members other than the array member, parsed. */
  members: Record<string, unknown>;
  /** The array member: the body and each element's [start, end) byte offsets; undefined when the member is absent or not an array. */
  array?: { bytes: Uint8Array; offsets: number[] };
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const isSpace = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

const decoder = new TextDecoder('utf-8');
const cutOff = (what: string, at: number, length: number) =>
  new BadBodyError(`not valid JSON: ${what} at byte ${at} of ${length}; truncated?`);

function skipSpace(bytes: Uint8Array, i: number): number {
  while (i < bytes.length && isSpace(bytes[i])) i++;
  return i;
}

function skipString(bytes: Uint8Array, i: number): number {
  for (i++; i < bytes.length; i++) {
    if (bytes[i] === BACKSLASH) i++;
    else if (bytes[i] === QUOTE) return i + 1;
  }
  throw cutOff('unterminated string', i, bytes.length);
}

/** The end of the JSON value that starts at `i` (not validated inside: JSON.parse does that). */
function skipValue(bytes: Uint8Array, i: number): number {
  const first = bytes[i];
  if (first === QUOTE) return skipString(bytes, i);
  if (first === OPEN_OBJECT || first === OPEN_ARRAY) {
    let depth = 0;
    while (i < bytes.length) {
      const b = bytes[i];
      if (b === QUOTE) {
        i = skipString(bytes, i);
        continue;
      }
      if (b === OPEN_OBJECT || b === OPEN_ARRAY) depth++;
      else if ((b === CLOSE_OBJECT || b === CLOSE_ARRAY) && --depth === 0) return i + 1;
      i++;
    }
    throw cutOff('unclosed object or array', i, bytes.length);
  }
  const start = i;
  while (
    i < bytes.length &&
    bytes[i] !== COMMA &&
    bytes[i] !== CLOSE_OBJECT &&
    bytes[i] !== CLOSE_ARRAY &&
    !isSpace(bytes[i])
  )
    i++;
  if (i === start) throw cutOff('missing value', i, bytes.length);
  return i;
}

function parseSpan(bytes: Uint8Array, start: number, end: number): unknown {
  try {
    return JSON.parse(decoder.decode(bytes.subarray(start, end)));
  } catch (e) {
    throw new BadBodyError(`not valid JSON at byte ${start} (${(e as Error).message.slice(0, 200)}); truncated?`);
  }
}

function expect(bytes: Uint8Array, i: number, byte: number, what: string): number {
  i = skipSpace(bytes, i);
  if (bytes[i] !== byte) throw cutOff(`expected ${what}`, i, bytes.length);
  return i + 1;
}

/**
 * Scan a JSON body that is an object, locating the elements of its array member `arrayKey`. Returns
 * undefined when the body is not a JSON object at all (the caller parses it whole for its message).
 */
export function scanJsonEnvelope(bytes: Uint8Array, arrayKey: string): JsonEnvelope | undefined {
  // A UTF-8 byte-order mark is allowed before the text, as a TextDecoder allows it.
  let i = skipSpace(bytes, bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0);
  if (bytes[i] !== OPEN_OBJECT) return undefined;
  if (!isUtf8(bytes))
    throw new BadBodyError(`not valid UTF-8 (${bytes.length} bytes); cut off inside a character, or not JSON`);
  const envelope: JsonEnvelope = { members: {} };
  i = skipSpace(bytes, i + 1);
  if (bytes[i] === CLOSE_OBJECT) i++;
  else {
    for (;;) {
      i = skipSpace(bytes, i);
      if (bytes[i] !== QUOTE) throw cutOff('expected a member name', i, bytes.length);
      const keyEnd = skipString(bytes, i);
      const key = parseSpan(bytes, i, keyEnd) as string;
      i = skipSpace(bytes, expect(bytes, keyEnd, COLON, '":"'));
      if (key === arrayKey && bytes[i] === OPEN_ARRAY) {
        const offsets: number[] = [];
        i = skipSpace(bytes, i + 1);
        if (bytes[i] === CLOSE_ARRAY) i++;
        else {
          for (;;) {
            const end = skipValue(bytes, i);
            offsets.push(i, end);
            i = skipSpace(bytes, end);
            if (bytes[i] === CLOSE_ARRAY) {
              i++;
              break;
            }
            i = skipSpace(bytes, expect(bytes, i, COMMA, '"," or "]"'));
          }
        }
        envelope.array = { bytes, offsets };
      } else {
        const end = skipValue(bytes, i);
        envelope.members[key] = parseSpan(bytes, i, end);
        i = end;
      }
      i = skipSpace(bytes, i);
      if (bytes[i] === CLOSE_OBJECT) {
        i++;
        break;
      }
      i = expect(bytes, i, COMMA, '"," or "}"');
    }
  }
  if (skipSpace(bytes, i) !== bytes.length) throw cutOff('data after the end of the object', i, bytes.length);
  return envelope;
}

/** An element that is not valid JSON on its own. */
export class InvalidElement {
  constructor(
    readonly text: string,
    readonly message: string,
  ) {}
}

/** Elements parsed per JSON.parse call: large enough to amortize the call, small enough to stay a few MB. */
const BATCH = 2_000;

/**
 * Parse the elements of a scanned array a batch at a time and hand each to `each` with its index;
 * a batch is dropped before the next is parsed. An element that is not valid JSON comes as an
 * InvalidElement, and the others of its batch are still read.
 */
export function eachElement(
  array: NonNullable<JsonEnvelope['array']>,
  each: (value: unknown, index: number) => void,
): void {
  const { bytes, offsets } = array;
  const count = offsets.length / 2;
  for (let first = 0; first < count; first += BATCH) {
    const last = Math.min(first + BATCH, count) - 1;
    let values: unknown[];
    try {
      values = JSON.parse(
        `[${decoder.decode(bytes.subarray(offsets[2 * first], offsets[2 * last + 1]))}]`,
      ) as unknown[];
      if (values.length !== last - first + 1) throw new Error('element count differs from the scan');
    } catch {
      values = [];
      for (let k = first; k <= last; k++) {
        const text = decoder.decode(bytes.subarray(offsets[2 * k], offsets[2 * k + 1]));
        try {
          values.push(JSON.parse(text));
        } catch (e) {
          values.push(new InvalidElement(text, (e as Error).message));
        }
      }
    }
    for (let k = 0; k < values.length; k++) each(values[k], first + k);
  }
}
