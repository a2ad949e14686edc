import type { ColumnInfo, Datum, Row } from '@aws-sdk/client-athena';
import { QueryError } from '../../core/errors.ts';
import type { Row as ResultRow } from '../../core/seams/query-engine.ts';
import { isHeaderRow, rowObjects } from './athena-results.ts';

/** One field of a CSV record as read: its text and whether it stood in quotes. */
interface Field {
  text: string;
  quoted: boolean;
}

/**
 * The records of a CSV text that arrives in chunks (RFC 4180: fields in double quotes may hold commas,
 * line breaks and doubled quotes; a record ends at a line break outside quotes, `\r\n` or `\n`). Each field
 * says whether it was quoted, the only way a CSV tells an empty string from a missing value. Not the ingest's
 * parser (src/core/ingest/csv.ts): it reads spreadsheet exports, where a quoted and an unquoted empty field are
 * both '' and a blank line is no record; in Athena's file the one is NULL and the other a one-column NULL row.
 */
export async function* csvRecords(chunks: AsyncIterable<string>): AsyncGenerator<Field[]> {
  let record: Field[] = [];
  let text = '';
  let quoted = false;
  /** Inside a quoted field: a quote just read may be its end or the first of a doubled pair. */
  let inQuotes = false;
  let quoteSeen = false;
  /** Nothing of the current field read yet (a quote here opens a quoted field). */
  let atFieldStart = true;
  let pendingCr = false;
  const endField = () => {
    record.push({ text, quoted });
    text = '';
    quoted = false;
    atFieldStart = true;
  };
  for await (const chunk of chunks) {
    let i = 0;
    while (i < chunk.length) {
      if (inQuotes) {
        if (quoteSeen) {
          quoteSeen = false;
          if (chunk[i] === '"') {
            text += '"';
            i++;
            continue;
          }
          inQuotes = false;
          continue;
        }
        const quote = chunk.indexOf('"', i);
        if (quote === -1) {
          text += chunk.slice(i);
          i = chunk.length;
        } else {
          text += chunk.slice(i, quote);
          quoteSeen = true;
          i = quote + 1;
        }
        continue;
      }
      const c = chunk[i];
      if (pendingCr) {
        pendingCr = false;
        if (c === '\n') {
          i++;
          continue;
        }
      }
      if (c === '"' && atFieldStart) {
        inQuotes = true;
        quoted = true;
        atFieldStart = false;
        i++;
      } else if (c === ',') {
        endField();
        i++;
      } else if (c === '\n' || c === '\r') {
        endField();
        yield record;
        record = [];
        pendingCr = c === '\r';
        i++;
      } else {
        // Unquoted text up to the next separator or line break.
        let end = i;
        while (end < chunk.length && chunk[end] !== ',' && chunk[end] !== '\n' && chunk[end] !== '\r') end++;
        text += chunk.slice(i, end);
        atFieldStart = false;
        i = end;
      }
    }
  }
  if (inQuotes && !quoteSeen)
    throw new QueryError(
      'Athena’s result file ends inside a quoted value',
      'The object was cut short: run the query again; if it recurs, check the workgroup’s result location.',
    );
  // The last record, when the text does not end with a line break.
  if (record.length > 0 || text !== '' || quoted) {
    endField();
    yield record;
  }
}

async function* decoded(body: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for await (const bytes of body) yield decoder.decode(bytes, { stream: true });
  const rest = decoder.decode();
  if (rest) yield rest;
}

/** A field as GetQueryResults gives it: SQL NULL is a cell without a value, an empty string is `''`. */
const datum = (field: Field): Datum => (field.quoted || field.text !== '' ? { VarCharValue: field.text } : {});

/**
 * A SELECT's rows from the result file Athena writes to the workgroup's result location: one CSV object, the
 * column labels on its first line, every value in double quotes and SQL NULL as an empty field without them —
 * so an empty string and NULL stay apart, as they do in GetQueryResults. Read as the object arrives, typed by
 * the query's column metadata, `batchRows` rows at a time: no page of 1,000 rows per API call.
 */
export async function* resultFileRows(
  body: AsyncIterable<Uint8Array>,
  columns: readonly ColumnInfo[],
  batchRows: number,
  location: string,
): AsyncGenerator<ResultRow[]> {
  let batch: Row[] = [];
  let header = true;
  for await (const record of csvRecords(decoded(body))) {
    const row: Row = { Data: record.map(datum) };
    if (header) {
      header = false;
      if (!isHeaderRow(row, columns))
        throw new QueryError(
          `Athena's result file ${location} does not start with the query's column labels (${columns.map((c) => c.Label ?? c.Name).join(', ')})`,
          'The object is not this query’s result: check that nothing else writes under the workgroup’s result location.',
        );
      continue;
    }
    if (row.Data!.length !== columns.length)
      throw new QueryError(
        `Athena's result file ${location} has a row of ${row.Data!.length} values for ${columns.length} columns`,
        'The object is not a whole result of this query: run the query again.',
      );
    batch.push(row);
    if (batch.length >= batchRows) {
      yield rowObjects(batch, columns);
      batch = [];
    }
  }
  if (batch.length > 0) yield rowObjects(batch, columns);
}
