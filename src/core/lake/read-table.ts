import { parquetReadObjects } from 'hyparquet';
import { columnsOf, tablePrefix, type TableDef } from '../../../data-schemas/table.ts';
import type { ObjectStore } from '../seams/object-store.ts';
import { tableKeys } from './metric-versions.ts';

/** Partition values from a key such as `curated/t/source=bundled/year=2024/part-00000.parquet`. */
function partitionValues(table: TableDef, key: string): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  const columns = columnsOf(table);
  for (const segment of key.slice(tablePrefix(table).length).split('/')) {
    const eq = segment.indexOf('=');
    if (eq < 0) continue;
    const name = segment.slice(0, eq);
    const column = columns.find((c) => c.name === name);
    if (!column) continue;
    const raw = decodeURIComponent(segment.slice(eq + 1));
    values[name] = column.type === 'string' ? raw : column.type === 'boolean' ? raw === 'true' : Number(raw);
  }
  return values;
}

/**
 * Read every row of a lake table straight from its Parquet files in the object store (pure JS,
 * no query engine), with partition columns restored; a metric table's current version only. The report builder uses this, so it runs the
 * same in a Lambda and locally.
 */
export async function readTable<R = Record<string, unknown>>(store: ObjectStore, table: TableDef): Promise<R[]> {
  const keys = await tableKeys(store, table);
  const rows: R[] = [];
  for (const key of keys) {
    const bytes = (await store.get(key))!;
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const partition = partitionValues(table, key);
    for (const row of await parquetReadObjects({ file })) {
      for (const [k, v] of Object.entries(row)) if (typeof v === 'bigint') row[k] = Number(v);
      rows.push({ ...row, ...partition } as R);
    }
  }
  return rows;
}
