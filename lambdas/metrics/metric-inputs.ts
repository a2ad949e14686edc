import { createHash } from 'node:crypto';
import { allTables, partitionColumnsOf, tablePrefix, type TableDef } from '../../data-schemas/index.ts';
import { UsageError } from '../../src/errors.ts';
import { getJson, putJson, type ObjectStore } from '../../src/store/object-store.ts';

/**
 * What a metric table was computed from, so the metrics step can keep a table whose inputs have not
 * changed since it was written. A monthly refresh lands new monthly partitions; the metric SQL reads
 * annual rows only, so the trade metrics need not be recomputed, and neither do the production ones
 * when no production file changed. The state lives at `_state/metrics/<table>.json`, outside every
 * table location (Athena reads every object under a table's location as its data).
 */
export interface MetricInputState {
  /** SHA-256 over the SQL text and every input file (key and content hash), in a fixed order. */
  fingerprint: string;
  /** The table's own files as written, so a file changed or removed by hand is never kept. */
  outputs: { key: string; sha256: string }[];
  rows: number;
}

/** Partition values a metric reads of a table, declared in its SQL as `-- partitions: trade_flows month=0`. */
export interface PartitionFilter {
  table: string;
  column: string;
  value: string;
}

const PARTITIONS_LINE = /^--\s*partitions:\s*(\w+)\s+(\w+)=(\S+)\s*$/gm;

/**
 * The partition filters a metric SQL file declares. Each must name a partition column of a table the
 * file reads: a declaration that could never match would silently keep the table stale.
 */
export function partitionFiltersOf(sql: string, path: string, reads: readonly string[]): PartitionFilter[] {
  return [...sql.matchAll(PARTITIONS_LINE)].map(([, table, column, value]) => {
    const def = allTables.find((t) => t.name === table);
    if (!def || !reads.includes(table) || !partitionColumnsOf(def).some((c) => c.name === column)) {
      throw new UsageError(`${path} declares "-- partitions: ${table} ${column}=${value}", but ${table} is not a table it reads or ${column} is not one of its partition columns`,
        'Declare only partition columns of tables the SQL reads (see data-schemas/), or remove the line.');
    }
    return { table, column, value };
  });
}

/** Tables of the lake a statement reads (`FROM trade_flows`, `JOIN countries …`), ignoring comments. */
export function tablesReadBy(sql: string, self: string): string[] {
  const code = sql.replace(/--.*$/gm, '');
  return allTables.map((t) => t.name).filter((name) => name !== self && new RegExp(`\\b(from|join)\\s+${name}\\b`, 'i').test(code)).sort();
}

const sha256 = (bytes: Uint8Array | string): string => createHash('sha256').update(bytes).digest('hex');

/** Keys of a table's data files, narrowed by the metric's partition filters, sorted. */
async function inputKeys(store: ObjectStore, table: TableDef, filters: readonly PartitionFilter[]): Promise<string[]> {
  const wanted = filters.filter((f) => f.table === table.name).map((f) => `/${f.column}=${encodeURIComponent(f.value)}/`);
  const keys = (await store.list(tablePrefix(table))).filter((k) => k.endsWith('.parquet'));
  return keys.filter((k) => wanted.every((w) => k.includes(w))).sort();
}

/**
 * Content hashes of curated files, kept for one metrics run: several metric tables read the same
 * curated partitions, and the metrics step never writes curated/ (metric files, which it does
 * write, are always read afresh).
 */
export type CuratedHashes = Map<string, string>;

/** The fingerprint of a metric's inputs as they are in the lake now. */
export async function fingerprintInputs(
  store: ObjectStore,
  sql: string,
  reads: readonly string[],
  filters: readonly PartitionFilter[],
  curated: CuratedHashes = new Map(),
): Promise<string> {
  const hash = createHash('sha256').update(sql).update('\0');
  for (const name of reads) {
    const table = allTables.find((t) => t.name === name)!;
    for (const key of await inputKeys(store, table, filters)) {
      let digest = curated.get(key);
      if (digest === undefined) {
        const bytes = await store.get(key);
        if (!bytes) continue;
        digest = sha256(bytes);
        if (table.zone === 'curated') curated.set(key, digest);
      }
      hash.update(`${key}\0${digest}\0`);
    }
  }
  return hash.digest('hex');
}

/** Where the metrics step keeps what each table was computed from (beside the live sources' `_state/<source>.json`). */
export const METRIC_STATE_PREFIX = '_state/metrics/';
const stateKey = (table: string) => `${METRIC_STATE_PREFIX}${table}.json`;

async function outputsOf(store: ObjectStore, table: string): Promise<MetricInputState['outputs']> {
  const def = allTables.find((t) => t.name === table)!;
  const keys = (await store.list(tablePrefix(def))).sort();
  const outputs: MetricInputState['outputs'] = [];
  for (const key of keys) {
    const bytes = await store.get(key);
    if (bytes) outputs.push({ key, sha256: sha256(bytes) });
  }
  return outputs;
}

/** The row count of a table whose inputs and files are as its state recorded them; undefined when it must be recomputed. */
export async function unchangedRows(store: ObjectStore, table: string, fingerprint: string): Promise<number | undefined> {
  const state = await getJson<MetricInputState>(store, stateKey(table));
  if (!state || state.fingerprint !== fingerprint) return undefined;
  const outputs = await outputsOf(store, table);
  return JSON.stringify(outputs) === JSON.stringify(state.outputs) ? state.rows : undefined;
}

/** Record what a table was just computed from. */
export async function recordInputs(store: ObjectStore, table: string, fingerprint: string, rows: number): Promise<void> {
  await putJson(store, stateKey(table), { fingerprint, outputs: await outputsOf(store, table), rows } satisfies MetricInputState);
}
