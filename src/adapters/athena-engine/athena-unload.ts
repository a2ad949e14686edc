import { parquetMetadata } from 'hyparquet';
import { fileColumnsOf, type ColumnType, type TableDef } from '../../../data-schemas/table.ts';
import { QueryError } from '../../core/errors.ts';
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

/**
 * Check one file UNLOAD wrote against the table's schema and return its row count (from the
 * footer). A SELECT that forgot a CAST would otherwise land a file whose types differ from the
 * other metric files and from the Glue table (HIVE_PARTITION_SCHEMA_MISMATCH later, far from the cause).
 */
export function checkUnloadedFile(table: TableDef, key: string, bytes: Uint8Array): number {
  let metadata: ReturnType<typeof parquetMetadata>;
  try {
    metadata = parquetMetadata(bytes);
  } catch (cause) {
    throw new QueryError(
      `UNLOAD for ${table.name} wrote ${key}, which is not a readable Parquet file: ${(cause as Error).message}`,
      "Check that nothing else writes under the lake's _staging/ prefix, then re-run the metrics step.",
      { cause },
    );
  }
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
