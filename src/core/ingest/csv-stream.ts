import { createReadStream } from 'node:fs';
import { InputError } from '../errors.ts';
import { parseCsv, type CsvFile } from './csv.ts';

/**
 * A CSV file read in batches of records, so memory holds one batch, not the file. Each batch is a CsvFile
 * as `parseCsv` makes it (same header, same RFC 4180 rules and messages), with the records' line numbers
 * in the whole file. The bytes are checked as `decodeUtf8` checks a whole file: strict UTF-8 (a UTF-8 BOM
 * is dropped), no UTF-16, no NUL.
 */
export async function* csvBatches(path: string, file: string, batchRecords: number): AsyncGenerator<CsvFile> {
  const hint = `Save ${file} as UTF-8 (in a spreadsheet: "CSV UTF-8"), then run the ingest again.`;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let header: string | undefined;
  /**
   * Text not yet parsed, in the pieces it was read in; it starts at a record boundary (after the header,
   * once it is read). Pieces, not one string grown by `+=` and scanned: V8 copies a grown string whole
   * when it is read, so a record longer than a read (a 50 MB line) was copied at every read, quadratic in
   * its length (9 s for 50 MB). Each piece is scanned as it arrives and joined once, when a batch is cut.
   */
  let pieces: string[] = [];
  /** Characters in `pieces`. */
  let pendingLength = 0;
  /** Lines before the pending text in the file. */
  let linesBefore = 0;
  /** Whether the scan stopped inside a quoted field. */
  let inQuotes = false;
  let first = true;
  /** Records already scanned in the pending text. */
  let records = 0;

  const countLines = (text: string): number => {
    let n = 0;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
    return n;
  };
  const pendingText = (): string => pieces.join('');
  /** Parse the pending text up to `cut` (just after a record's line break) as one batch. */
  const take = (cut: number): CsvFile => {
    const all = pendingText();
    const text = all.slice(0, cut);
    const rest = all.slice(cut);
    pieces = rest === '' ? [] : [rest];
    pendingLength = rest.length;
    const batch = parseCsv(`${header}\n${text}`, file);
    // parseCsv numbers the header line 1, so a record on its line 2 is on line linesBefore + 1 of the file.
    for (const record of batch.records) record.line += linesBefore - 1;
    linesBefore += countLines(text);
    return batch;
  };

  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    if (first && ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff))) {
      throw new InputError(`${file} is UTF-16 (it starts with a UTF-16 byte-order mark)`, hint);
    }
    let text: string;
    try {
      text = decoder.decode(chunk, { stream: true });
    } catch {
      const lenient = new TextDecoder('utf-8').decode(chunk);
      const line =
        linesBefore + countLines(pendingText()) + countLines(lenient.slice(0, lenient.indexOf('\uFFFD'))) + 1;
      throw new InputError(`${file} is not valid UTF-8 (first bad byte on line ${line})`, hint);
    }
    if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    first = false;
    const nul = text.indexOf('\u0000');
    if (nul >= 0) {
      const line = linesBefore + countLines(pendingText()) + countLines(text.slice(0, nul)) + 1;
      throw new InputError(
        `${file} holds NUL bytes (line ${line}): UTF-16 without a byte-order mark, or not text`,
        hint,
      );
    }
    if (header === undefined) {
      const end = text.indexOf('\n');
      if (end < 0) {
        pieces.push(text);
        pendingLength += text.length;
        continue;
      }
      header = (pendingText() + text.slice(0, end)).replace(/\r$/, '');
      text = text.slice(end + 1);
      pieces = [];
      pendingLength = 0;
      linesBefore = 1;
    }
    // Record boundaries are line breaks outside quotes; a doubled quote ("") toggles twice and changes nothing.
    // `base` is where this piece starts in the pending text (it moves back when a batch is cut before it).
    let base = pendingLength;
    pieces.push(text);
    pendingLength += text.length;
    let recordsSeen = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 34) inQuotes = !inQuotes;
      else if (c === 10 && !inQuotes && ++recordsSeen + records >= batchRecords) {
        const cut = base + i + 1;
        yield take(cut);
        base -= cut;
        recordsSeen = 0;
        records = 0;
      }
    }
    records += recordsSeen;
  }
  try {
    const rest = decoder.decode();
    pieces.push(rest);
    pendingLength += rest.length;
  } catch {
    throw new InputError(`${file} is not valid UTF-8 (it ends inside a character)`, hint);
  }
  if (header === undefined) {
    const all = pendingText();
    if (all === '') throw new InputError(`${file} is empty`, `Restore ${file}: it must start with a header line.`);
    header = all.replace(/\r?\n?$/, '');
    pieces = [];
    pendingLength = 0;
  }
  const last = take(pendingLength);
  if (last.records.length > 0 || records === 0) yield last;
}
