import { partitionColumnsOf, tablePrefix, type TableDef } from '../../../data-schemas/table.ts';
import type { ObjectStore } from '../seams/object-store.ts';
import { PART_FILE } from './layout.ts';
import { encodeParquet } from './parquet.ts';

/** The one file name inside a partition folder; deterministic so a rewrite replaces it atomically. */
export const PARQUET_CONTENT_TYPE = 'application/vnd.apache.parquet';

/** `curated/trade_flows/source=bundled/year=2024/month=0/` for a row. */
export function partitionPath(table: TableDef, row: Record<string, unknown>): string {
  const parts = partitionColumnsOf(table).map((c) => `${c.name}=${encodeURIComponent(String(row[c.name]))}`);
  return tablePrefix(table) + parts.map((p) => p + '/').join('');
}

function groupByPartition<R extends Record<string, unknown>>(table: TableDef, rows: readonly R[]): Map<string, R[]> {
  const groups = new Map<string, R[]>();
  for (const row of rows) {
    const path = partitionPath(table, row);
    const group = groups.get(path);
    if (group) group.push(row);
    else groups.set(path, [row]);
  }
  return groups;
}

export interface PartitionWrite {
  key: string;
  rows: number;
}

/**
 * Replace the given partitions of a table. Each partition is one Parquet file with a fixed name,
 * written with a single atomic put (S3 PUT, or temp file + rename), so a reader sees either the
 * previous file or the new one, never a half-written partition. Partitions not in `rows` are untouched.
 */
export async function writePartitions(
  store: ObjectStore,
  table: TableDef,
  rows: readonly Record<string, unknown>[],
  order: (a: Record<string, unknown>, b: Record<string, unknown>) => number,
): Promise<PartitionWrite[]> {
  const writes: PartitionWrite[] = [];
  const groups = [...groupByPartition(table, rows)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [prefix, group] of groups) {
    const key = prefix + PART_FILE;
    await store.put(key, encodeParquet(table, [...group].sort(order)), PARQUET_CONTENT_TYPE);
    writes.push({ key, rows: group.length });
  }
  return writes;
}

/** A total order over rows by the given columns, so the same rows always encode to the same bytes. */
export const orderBy =
  (...columns: string[]) =>
  (a: Record<string, unknown>, b: Record<string, unknown>): number => {
    // An indexed loop: this comparator runs n·log n times per partition file written.
    for (let i = 0; i < columns.length; i++) {
      const x = a[columns[i]] ?? '';
      const y = b[columns[i]] ?? '';
      if (x < y) return -1;
      if (x > y) return 1;
    }
    return 0;
  };
