import { PART_FILE } from '../lake/layout.ts';
import { parquetReadObjects } from 'hyparquet';
import { columnsOf, partitionColumnsOf, tablePrefix, type TableDef } from '../../../data-schemas/table.ts';
import { encodeParquet } from '../lake/parquet.ts';
import { orderBy, PARQUET_CONTENT_TYPE, partitionPath } from '../lake/partitions.ts';
import type { StagedPut } from '../lake/staged-commit.ts';
import type { ObjectStore } from '../seams/object-store.ts';
import { identityOf } from './settle.ts';

/**
 * What a batch is authoritative for in a curated table: within `partitions`, every row for which
 * `owns` is true is replaced by the batch's rows (and removed if the batch no longer has it). Rows
 * others own in the same partition are left alone, so requests of one source that share a partition
 * (two Comtrade calls for one month, two USGS chapters of one sector) never clobber each other.
 * Different sources never share a partition: every table more than one source writes has a leading
 * `source` partition key.
 */
export interface Coverage {
  table: TableDef;
  /** Partition values, e.g. `{ source: 'census', year: 2025, month: 6 }`; `{}` for an unpartitioned table. */
  partitions: Record<string, string | number>[];
  owns: (row: Record<string, unknown>) => boolean;
}

/** The partitions of a table that exist in the store, typed by the schema (`year=2024` → 2024). */
async function storedPartitions(store: ObjectStore, table: TableDef): Promise<Record<string, string | number>[]> {
  const columns = partitionColumnsOf(table);
  const keys = (await store.list(tablePrefix(table))).filter((k) => k.endsWith(PART_FILE));
  return keys.map((key) => {
    const segments = key.slice(tablePrefix(table).length).split('/');
    return Object.fromEntries(
      columns.map((c, i) => {
        const text = decodeURIComponent(segments[i].slice(c.name.length + 1));
        return [c.name, c.type === 'string' ? text : Number(text)];
      }),
    );
  });
}

/**
 * A batch that owns a slice of a table outright (everything it ever wrote there): its coverage is every
 * stored partition that may hold its rows plus the partitions of its new rows, so a partition it no
 * longer has rows for is emptied rather than left behind.
 */
export async function ownedCoverage(
  store: ObjectStore,
  table: TableDef,
  rows: readonly Record<string, unknown>[],
  owns: Coverage['owns'],
  mayHold: (partition: Record<string, string | number>) => boolean = () => true,
): Promise<Coverage> {
  const partitions = new Map<string, Record<string, string | number>>();
  for (const p of (await storedPartitions(store, table)).filter(mayHold)) partitions.set(partitionPath(table, p), p);
  for (const row of rows) {
    const values = Object.fromEntries(partitionColumnsOf(table).map((c) => [c.name, row[c.name] as string | number]));
    partitions.set(partitionPath(table, values), values);
  }
  return { table, partitions: [...partitions.values()], owns };
}

export interface MergePlan {
  /** Partition files whose bytes change (or that are new), with their new bytes. */
  puts: StagedPut[];
  /** Partition files the merge empties, to delete. */
  deletes: string[];
  /** Covered partitions whose new bytes equal the old: not touched, so readers and caches see no change. */
  unchanged: string[];
  /** Partitions the new rows fall in. */
  holding: number;
}

/**
 * A total order over the rows of one partition file: its identity key first, then every other column.
 * Partition columns are the same for every row of a file, so comparing them would only cost time
 * (the sort is a large part of an ingest's CPU).
 */
export const rowOrder = (table: TableDef) => {
  const constant = new Set(partitionColumnsOf(table).map((c) => c.name));
  const key = identityOf(table).key.filter((n) => !constant.has(n));
  return orderBy(
    ...key,
    ...columnsOf(table)
      .map((c) => c.name)
      .filter((n) => !key.includes(n) && !constant.has(n)),
  );
};

async function rowsOf(
  bytes: Uint8Array | undefined,
  values: Record<string, unknown>,
): Promise<Record<string, unknown>[]> {
  if (!bytes) return [];
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const rows = (await parquetReadObjects({ file })) as Record<string, unknown>[];
  for (const row of rows) for (const [k, v] of Object.entries(row)) if (typeof v === 'bigint') row[k] = Number(v);
  return rows.map((row) => ({ ...row, ...values }));
}

const sameBytes = (a: Uint8Array | undefined, b: Uint8Array): boolean =>
  a !== undefined && a.length === b.length && Buffer.compare(a, b) === 0;

/**
 * Work out what replacing what some responses are authoritative for, and nothing else, changes.
 * For each partition any coverage names: keep the stored rows no covering response owns, add the
 * new rows, sort by the table's total order, and plan a new file only if its bytes change (an
 * emptied partition is deleted). Nothing is written here: the ingest stages and commits the plan of
 * all of a source's tables as one switch (src/core/lake/staged-commit.ts). `rows` must all lie in
 * covered partitions.
 */
export async function planMerge(
  store: ObjectStore,
  table: TableDef,
  coverages: readonly Coverage[],
  rows: readonly Record<string, unknown>[],
): Promise<MergePlan> {
  const covering = new Map<string, { values: Record<string, string | number>; owners: Coverage[] }>();
  for (const coverage of coverages) {
    for (const values of coverage.partitions) {
      const path = partitionPath(table, values);
      const entry = covering.get(path) ?? { values, owners: [] };
      entry.owners.push(coverage);
      covering.set(path, entry);
    }
  }
  const incoming = new Map<string, Record<string, unknown>[]>();
  for (const row of rows) {
    const path = partitionPath(table, row);
    if (!covering.has(path)) throw new Error(`planMerge: a ${table.name} row for ${path} lies outside every coverage`);
    // Appended in place: copying the list for every row made a partition of n rows cost n²/2 copies.
    const list = incoming.get(path);
    if (list) list.push(row);
    else incoming.set(path, [row]);
  }
  const order = rowOrder(table);
  const plan: MergePlan = { puts: [], deletes: [], unchanged: [], holding: incoming.size };
  for (const [path, { values, owners }] of [...covering].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const key = path + PART_FILE;
    const storedBytes = await store.get(key);
    const stored = await rowsOf(storedBytes, values);
    const kept = stored.filter((row) => !owners.some((o) => o.owns(row)));
    const merged = [...kept, ...(incoming.get(path) ?? [])].sort(order);
    if (merged.length === 0) {
      if (storedBytes) plan.deletes.push(key);
      continue;
    }
    const body = encodeParquet(table, merged);
    if (sameBytes(storedBytes, body)) plan.unchanged.push(key);
    else plan.puts.push({ key, body, contentType: PARQUET_CONTENT_TYPE });
  }
  return plan;
}
