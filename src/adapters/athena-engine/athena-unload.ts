import { parquetMetadata } from 'hyparquet';
import { fileColumnsOf, tablePrefix, type ColumnType, type TableDef } from '../../../data-schemas/table.ts';
import { QueryError } from '../../core/errors.ts';
import type { ObjectStore } from '../../core/seams/object-store.ts';
import { renderLiteral } from './athena-literals.ts';

/** The UNLOAD that writes a SELECT's rows as Snappy Parquet under an (empty) S3 location. */
export function unloadStatement(selectSql: string, s3Uri: string): string {
  // Drop a trailing `;`; the newline before ")" ends a trailing "-- comment" in the SQL file.
  const body = selectSql.trim().replace(/;\s*$/, '');
  return `UNLOAD (\n${body}\n) TO ${renderLiteral(s3Uri)} WITH (format = 'PARQUET', compression = 'SNAPPY')`;
}

/** The Parquet physical type Trino writes for each schema column type. */
const PHYSICAL_TYPE: Record<ColumnType, string> = {
  string: 'BYTE_ARRAY',
  int: 'INT32',
  bigint: 'INT64',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
};

/** A Parquet file ends with its footer, then the footer's length (4 bytes) and "PAR1". */
const FOOTER_TAIL = 8;
/** Enough for the footer of a metric file in one read (a few KB); a larger one is read again whole. */
const FIRST_READ = 64 * 1024;

/** The footer of a Parquet file in the store, read from its end: the file's data never leaves the store. */
async function footerOf(store: ObjectStore, key: string): Promise<ReturnType<typeof parquetMetadata> | undefined> {
  const first = await store.readTail!(key, FIRST_READ);
  if (!first) return undefined;
  let { tail } = first;
  if (tail.length >= FOOTER_TAIL) {
    const footer = new DataView(tail.buffer, tail.byteOffset, tail.byteLength).getUint32(tail.length - 8, true);
    if (footer + FOOTER_TAIL > tail.length && footer + FOOTER_TAIL <= first.size)
      tail = (await store.readTail!(key, footer + FOOTER_TAIL))?.tail ?? tail;
  }
  // parquetMetadata reads the footer from the end of the buffer it is given: the tail is enough.
  return parquetMetadata(tail.buffer.slice(tail.byteOffset, tail.byteOffset + tail.byteLength) as ArrayBuffer);
}

/**
 * Check one file UNLOAD wrote against the table's schema and return its row count, both from its
 * footer (read from the end of the object: no table bytes pass through this process). A SELECT that
 * forgot a CAST would otherwise land a file whose types differ from the other metric files and from the
 * Glue table (HIVE_PARTITION_SCHEMA_MISMATCH later, far from the cause).
 */
export async function checkUnloadedFile(store: ObjectStore, table: TableDef, key: string): Promise<number> {
  let metadata: ReturnType<typeof parquetMetadata> | undefined;
  try {
    metadata = await footerOf(store, key);
  } catch (cause) {
    throw new QueryError(
      `UNLOAD for ${table.name} wrote ${key}, which is not a readable Parquet file: ${(cause as Error).message}`,
      `Check that nothing else writes under ${tablePrefix(table)}, then re-run the metrics step.`,
      { cause },
    );
  }
  if (!metadata)
    throw new QueryError(`UNLOAD output ${key} vanished before it was checked`, 'Re-run the metrics step.');
  const actual = metadata.schema.slice(1).map((e) => `${e.name} ${e.type}`);
  const expected = fileColumnsOf(table).map((c) => `${c.name} ${PHYSICAL_TYPE[c.type]}`);
  if (actual.join(', ') !== expected.join(', ')) {
    throw new QueryError(
      `UNLOAD for ${table.name} wrote columns (${actual.join(', ')}), but the schema declares (${expected.join(', ')})`,
      `Select exactly the columns of ${table.name} in data-schemas/metrics.ts, each CAST to its declared type.`,
    );
  }
  return Number(metadata.num_rows);
}
