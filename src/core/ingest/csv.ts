import { InputError } from '../errors.ts';
import type { Origin } from './rows.ts';

/** One data record of a CSV file: its 1-based line number (where the record starts) and its fields by header name. */
interface CsvRecord {
  line: number;
  values: Record<string, string>;
  /** Set when the record has a different number of fields than the header; such a record is rejected, not guessed at. */
  fieldCountError?: string;
}

export interface CsvFile {
  file: string;
  header: string[];
  records: CsvRecord[];
}

/**
 * An input file's bytes as text. Only UTF-8 is read (with or without a BOM): UTF-16 and bytes that are
 * not UTF-8 (a Latin-1 or Windows-1252 export) are an InputError, because guessing the encoding would
 * land "CÃ´te d'Ivoire" or U+FFFD in names instead of failing.
 */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  const hint = `Save ${file} as UTF-8 (in a spreadsheet: "CSV UTF-8"), then run the ingest again.`;
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new InputError(`${file} is UTF-16 (it starts with a UTF-16 byte-order mark)`, hint);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const lenient = new TextDecoder('utf-8').decode(bytes);
    const line = lenient.slice(0, lenient.indexOf('\uFFFD')).split('\n').length;
    throw new InputError(`${file} is not valid UTF-8 (first bad byte on line ${line})`, hint);
  }
  const nul = text.indexOf('\u0000');
  if (nul >= 0)
    throw new InputError(
      `${file} holds NUL bytes (line ${text.slice(0, nul).split('\n').length}): UTF-16 without a byte-order mark, or not text`,
      hint,
    );
  return text;
}

/**
 * RFC 4180 CSV: quoted fields may hold commas, doubled quotes and line breaks ("China, Hong Kong SAR").
 * A UTF-8 BOM is dropped and CRLF is accepted, because spreadsheet exports produce both. Every field stays
 * a string: typing is the normalizer's job, where a bad value can be rejected with a reason.
 */
export function parseCsv(text: string, file: string): CsvFile {
  const rows: { line: number; fields: string[] }[] = [];
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let rowLine = 1;
  let inQuotes = false;
  let quoteLine = 0;
  const endRow = () => {
    fields.push(field);
    // A blank line (one empty field) is not a record.
    if (fields.length > 1 || fields[0] !== '') rows.push({ line: rowLine, fields });
    fields = [];
    field = '';
  };
  // Whole runs of ordinary characters are copied at once: a 50 MB field costs one slice, not 50 M appends.
  const special = /[",\r\n]/g;
  let i = 0;
  while (i < src.length) {
    if (inQuotes) {
      const close = src.indexOf('"', i);
      if (close < 0) break;
      for (let nl = src.indexOf('\n', i); nl >= 0 && nl < close; nl = src.indexOf('\n', nl + 1)) line++;
      field += src.slice(i, close);
      if (src[close + 1] === '"') {
        field += '"';
        i = close + 2;
      } else {
        inQuotes = false;
        i = close + 1;
      }
      continue;
    }
    special.lastIndex = i;
    const at = special.exec(src)?.index ?? src.length;
    field += src.slice(i, at);
    if (at === src.length) break;
    const ch = src[at];
    i = at + 1;
    if (ch === '"') {
      if (field === '') {
        inQuotes = true;
        quoteLine = line;
      } else field += ch;
    } else if (ch === ',') {
      fields.push(field);
      field = '';
    } else {
      if (ch === '\r' && src[i] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    }
  }
  if (inQuotes) {
    throw new InputError(
      `${file}: a quoted field opened on line ${quoteLine} is never closed`,
      `Fix the quoting in ${file} (a field with commas or quotes must be wrapped in "…" with inner quotes doubled).`,
    );
  }
  if (field !== '' || fields.length > 0) endRow();
  if (rows.length === 0) {
    throw new InputError(`${file} is empty`, `Restore ${file}: it must start with a header line.`);
  }
  const [head, ...body] = rows;
  const header = head.fields.map((h) => h.trim());
  const records = body.map(({ line: at, fields: f }) => {
    const values: Record<string, string> = {};
    header.forEach((name, i) => {
      values[name] = f[i] ?? '';
    });
    const record: CsvRecord = { line: at, values };
    if (f.length !== header.length) record.fieldCountError = `expected ${header.length} fields, found ${f.length}`;
    return record;
  });
  return { file, header, records };
}

/** Header text for a message: a broken file can have a header of megabytes. */
const HEADER_SHOWN = 300;

/** A file whose header lacks columns cannot be read at all: fail the run before anything is written. */
export function requireColumns(csv: CsvFile, required: readonly string[]): void {
  const missing = required.filter((c) => !csv.header.includes(c));
  if (missing.length > 0) {
    const found = csv.header.join(', ');
    const shown = found.length > HEADER_SHOWN ? `${found.slice(0, HEADER_SHOWN)}… (${found.length} characters)` : found;
    // One column holding the separators of another dialect: say so rather than only "missing".
    const delimiter = csv.header.length === 1 ? [';', '\t', '|'].find((d) => csv.header[0].includes(d)) : undefined;
    const dialect = delimiter
      ? ` It looks ${delimiter === '\t' ? 'tab' : `"${delimiter}"`}-separated; chainwatch reads comma-separated CSV.`
      : '';
    throw new InputError(
      `${csv.file}: header is missing required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (found: ${shown})`,
      `Restore the column${missing.length > 1 ? 's' : ''} in the first line of ${csv.file}; the expected header is: ${required.join(',')}.${dialect}`,
    );
  }
}

/** The records of a file as row origins for the normalizers. */
export const originsOf = (csv: CsvFile): Origin[] =>
  csv.records.map((r) => ({ file: csv.file, line: r.line, raw: r.values, problem: r.fieldCountError }));
