import { parquetWriteBuffer } from 'hyparquet-writer';
import type { BasicType } from 'hyparquet-writer';
import { fileColumnsOf, type ColumnType, type TableDef } from '../../../data-schemas/table.ts';

/** Parquet physical types per schema column type; always explicit so every partition has the same file schema. */
export const PARQUET_TYPE: Record<ColumnType, BasicType> = {
  string: 'STRING',
  int: 'INT32',
  bigint: 'INT64',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
};

/** Encode rows of a table (without its partition columns) as one Parquet file. */
export function encodeParquet(table: TableDef, rows: readonly Record<string, unknown>[]): Uint8Array {
  const columnData = fileColumnsOf(table).map((c) => ({
    name: c.name,
    type: PARQUET_TYPE[c.type],
    nullable: c.nullable,
    data: rows.map((r) => {
      const v = r[c.name] ?? null;
      return c.type === 'bigint' && v !== null ? BigInt(v as number) : v;
    }),
  }));
  return new Uint8Array(
    parquetWriteBuffer({ columnData, kvMetadata: [{ key: 'chainwatch.table', value: table.name }] }),
  );
}
