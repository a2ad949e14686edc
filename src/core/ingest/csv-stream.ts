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
  /** Text not yet parsed: starts at a record boundary (after the header, once it is read). */
  let pending = '';
  /** Lines before `pending` in the file. */
  let linesBefore = 0;
  /** Where the quote scan of `pending` stopped, and whether it stopped inside a quoted field. */
  let scanned = 0;
  let inQuotes = false;
  let first = true;
  let records = 0;

  const countLines = (text: string): number => {
    let n = 0;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
    return n;
  };
  /** Parse `pending` up to `cut` (just after a record's line break) as one batch. */
  const take = (cut: number): CsvFile => {
    const text = pending.slice(0, cut);
    pending = pending.slice(cut);
    scanned -= cut;
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
      const line = linesBefore + countLines(pending) + countLines(lenient.slice(0, lenient.indexOf('\uFFFD'))) + 1;
      throw new InputError(`${file} is not valid UTF-8 (first bad byte on line ${line})`, hint);
    }
    if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    first = false;
    const nul = text.indexOf('\u0000');
    if (nul >= 0) {
      const line = linesBefore + countLines(pending) + countLines(text.slice(0, nul)) + 1;
      throw new InputError(
        `${file} holds NUL bytes (line ${line}): UTF-16 without a byte-order mark, or not text`,
        hint,
      );
    }
    pending += text;
    if (header === undefined) {
      const end = pending.indexOf('\n');
      if (end < 0) continue;
      header = pending.slice(0, end).replace(/\r$/, '');
      pending = pending.slice(end + 1);
      linesBefore = 1;
    }
    // Record boundaries are line breaks outside quotes; a doubled quote ("") toggles twice and changes nothing.
    let lastBoundary = -1;
    let recordsSeen = 0;
    for (let i = scanned; i < pending.length; i++) {
      const c = pending.charCodeAt(i);
      if (c === 34) inQuotes = !inQuotes;
      else if (c === 10 && !inQuotes) {
        lastBoundary = i + 1;
        if (++recordsSeen + records >= batchRecords) {
          yield take(lastBoundary);
          i -= lastBoundary;
          lastBoundary = -1;
          recordsSeen = 0;
          records = 0;
        }
      }
    }
    scanned = pending.length;
    records += recordsSeen;
  }
  try {
    pending += decoder.decode();
  } catch {
    throw new InputError(`${file} is not valid UTF-8 (it ends inside a character)`, hint);
  }
  if (header === undefined) {
    if (pending === '') throw new InputError(`${file} is empty`, `Restore ${file}: it must start with a header line.`);
    header = pending.replace(/\r?\n?$/, '');
    pending = '';
  }
  const last = take(pending.length);
  if (last.records.length > 0 || records === 0) yield last;
}
