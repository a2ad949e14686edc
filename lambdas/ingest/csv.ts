import { InputError } from '../../src/errors.ts';
import type { Origin } from './rows.ts';

/** One data record of a CSV file: its 1-based line number (where the record starts) and its fields by header name. */
export interface CsvRecord {
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
  for (let i = 0; i < src.length; i++) {
    const ch = src[i];
    if (inQuotes) {
      if (ch === '"') {
        if (src[i + 1] === '"') {
          field += '"';
          i++;
        } else inQuotes = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
    } else if (ch === '"' && field === '') {
      inQuotes = true;
      quoteLine = line;
    } else if (ch === ',') {
      fields.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && src[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else field += ch;
  }
  if (inQuotes) {
    throw new InputError(`${file}: a quoted field opened on line ${quoteLine} is never closed`,
      `Fix the quoting in ${file} (a field with commas or quotes must be wrapped in "…" with inner quotes doubled).`);
  }
  if (field !== '' || fields.length > 0) endRow();
  if (rows.length === 0) {
    throw new InputError(`${file} is empty`, `Restore ${file}: it must start with a header line.`);
  }
  const [head, ...body] = rows;
  const header = head.fields.map((h) => h.trim());
  const records = body.map(({ line: at, fields: f }) => {
    const values: Record<string, string> = {};
    header.forEach((name, i) => (values[name] = f[i] ?? ''));
    const record: CsvRecord = { line: at, values };
    if (f.length !== header.length) record.fieldCountError = `expected ${header.length} fields, found ${f.length}`;
    return record;
  });
  return { file, header, records };
}

/** A file whose header lacks columns cannot be read at all: fail the run before anything is written. */
export function requireColumns(csv: CsvFile, required: readonly string[]): void {
  const missing = required.filter((c) => !csv.header.includes(c));
  if (missing.length > 0) {
    throw new InputError(
      `${csv.file}: header is missing required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (found: ${csv.header.join(', ')})`,
      `Restore the column${missing.length > 1 ? 's' : ''} in the first line of ${csv.file}; the expected header is: ${required.join(',')}.`,
    );
  }
}

/** The records of a file as row origins for the normalizers. */
export const originsOf = (csv: CsvFile): Origin[] =>
  csv.records.map((r) => ({ file: csv.file, line: r.line, raw: r.values, problem: r.fieldCountError }));
