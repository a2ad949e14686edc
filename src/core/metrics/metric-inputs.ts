import type { PartitionFilter } from '../sql/metric-sql.ts';
import { createHash } from 'node:crypto';
import { metricManifestKey, metricStateKey } from '../lake/layout.ts';
import { tableKeys } from '../lake/metric-versions.ts';
import { allTables, columnsOf, tablePrefix, type TableDef } from '../../../data-schemas/index.ts';
import { getJson, putJson, type ObjectStore } from '../seams/object-store.ts';

/**
 * What a metric table was computed from, so the metrics step can keep a table whose inputs have not
 * changed since it was written. A monthly refresh lands new monthly partitions; the metric SQL reads
 * annual rows only, so the trade metrics need not be recomputed, and neither do the production ones
 * when no production file changed. The state lives at `_state/metrics/<table>.json`, outside every
 * table location (Athena reads every object under a table's location as its data).
 *
 * A table's fingerprint covers its SQL text, the content of every curated file it reads and, for a
 * metric table it reads, that table's own fingerprint: a metric table is a function of its inputs, so
 * its fingerprint stands for its content as long as its files are the ones written for it — which the
 * recorded stamps check. So no metric file is ever hashed, and a curated file only when it was replaced.
 */
export interface MetricInputState {
  /** SHA-256 over the engine, the output columns, the SQL text and every input (curated file: key and content hash; metric table: its fingerprint). */
  fingerprint: string;
  /** SHA-256 over the engine, the output columns and the SQL text alone: what wrote the rows a recompute from a month keeps. */
  producer?: string;
  /** The table's manifest and current files with their store stamps as written: a switch, or a file replaced or removed since, means recompute. */
  outputs: { key: string; stamp: string }[];
  rows: number;
  /** Content hash of every curated input file by its store stamp, so the next run need not read a file that was not replaced. */
  hashes: Record<string, { stamp: string; sha256: string }>;
}

const sha256 = (bytes: Uint8Array | string): string => createHash('sha256').update(bytes).digest('hex');

/** What decides a metric table's bytes besides its inputs: the engine, the declared output columns and the SQL text. */
export const producerOf = (engine: string, table: string, sql: string): string =>
  `${engine}\0${JSON.stringify(columnsOf(allTables.find((t) => t.name === table)!))}\0${sql}`;

/** Keys of a table's data files, narrowed by the metric's partition filters, sorted. */
async function inputKeys(store: ObjectStore, table: TableDef, filters: readonly PartitionFilter[]): Promise<string[]> {
  const wanted = filters
    .filter((f) => f.table === table.name)
    .map((f) => `/${f.column}=${encodeURIComponent(f.value)}/`);
  const keys = (await store.list(tablePrefix(table))).filter((k) => k.endsWith('.parquet'));
  return keys.filter((k) => wanted.every((w) => k.includes(w))).sort();
}

/**
 * Content hashes of curated files for one metrics run, seeded from what earlier runs recorded: a file
 * whose store stamp (size and mtime, or size and ETag) is the one recorded is not read again; a file
 * replaced since has a new stamp and is hashed anew; a store without stamps is always read.
 */
export class FileHashes {
  private readonly known = new Map<string, { stamp: string; sha256: string }>();
  /** Entries for these files, to be recorded with a table's state. */
  used(keys: readonly string[]): MetricInputState['hashes'] {
    return Object.fromEntries(keys.flatMap((k) => (this.known.has(k) ? [[k, this.known.get(k)!]] : [])));
  }

  static async load(store: ObjectStore, tables: readonly string[]): Promise<FileHashes> {
    const hashes = new FileHashes();
    for (const table of tables) {
      const state = await getJson<Partial<MetricInputState>>(store, metricStateKey(table));
      for (const [key, entry] of Object.entries(state?.hashes ?? {})) hashes.known.set(key, entry);
    }
    return hashes;
  }

  /** The SHA-256 of a file's bytes, or undefined when it does not exist. */
  async of(store: ObjectStore, key: string): Promise<string | undefined> {
    const stamp = await store.stamp?.(key);
    const known = this.known.get(key);
    if (stamp !== undefined && known?.stamp === stamp) return known.sha256;
    const bytes = await store.get(key);
    if (!bytes) return undefined;
    const digest = sha256(bytes);
    if (stamp !== undefined) this.known.set(key, { stamp, sha256: digest });
    return digest;
  }
}

/** The fingerprint of a metric's inputs as they are in the lake now, and the curated files it covers. */
export async function fingerprintInputs(
  store: ObjectStore,
  /** What computes the table from its inputs: the SQL text and whatever else decides its bytes (`producerOf`). */
  producer: string,
  reads: readonly string[],
  filters: readonly PartitionFilter[],
  hashes: FileHashes,
  /** Fingerprints of the metric tables brought up to date earlier in this run. */
  metrics: ReadonlyMap<string, string>,
): Promise<{ fingerprint: string; files: string[] }> {
  const hash = createHash('sha256').update(producer).update('\0');
  const files: string[] = [];
  for (const name of reads) {
    const table = allTables.find((t) => t.name === name)!;
    if (table.zone !== 'curated') {
      const upstream = metrics.get(name);
      if (upstream === undefined) throw new Error(`Metric table ${name} is read before it was brought up to date`);
      hash.update(`${name}\0${upstream}\0`);
      continue;
    }
    for (const key of await inputKeys(store, table, filters)) {
      const digest = await hashes.of(store, key);
      if (digest === undefined) continue;
      hash.update(`${key}\0${digest}\0`);
      files.push(key);
    }
  }
  return { fingerprint: hash.digest('hex'), files };
}

/**
 * A table's manifest and the files it names, with their stamps; undefined when the store cannot stamp
 * (then nothing can be kept). A switched manifest or a file replaced or removed by hand changes them.
 */
async function outputsOf(store: ObjectStore, table: string): Promise<MetricInputState['outputs'] | undefined> {
  if (!store.stamp) return undefined;
  const def = allTables.find((t) => t.name === table)!;
  const outputs: MetricInputState['outputs'] = [];
  for (const key of [metricManifestKey(def), ...(await tableKeys(store, def))]) {
    const stamp = await store.stamp(key);
    if (stamp !== undefined) outputs.push({ key, stamp });
  }
  return outputs;
}

/**
 * The row count of a table whose inputs and files are as its state recorded them; undefined when it
 * must be recomputed. A kept table's state is rewritten when its curated inputs' stamps changed (a
 * copied lake), so the next run finds them and reads nothing.
 */
export async function unchangedRows(
  store: ObjectStore,
  table: string,
  inputs: { fingerprint: string; files: readonly string[] },
  hashes: FileHashes,
): Promise<number | undefined> {
  const state = await getJson<MetricInputState>(store, metricStateKey(table));
  if (!state || state.fingerprint !== inputs.fingerprint) return undefined;
  const outputs = await outputsOf(store, table);
  if (!outputs || JSON.stringify(outputs) !== JSON.stringify(state.outputs)) return undefined;
  const now = hashes.used(inputs.files);
  if (JSON.stringify(now) !== JSON.stringify(state.hashes))
    await putJson(store, metricStateKey(table), { ...state, hashes: now } satisfies MetricInputState);
  return state.rows;
}

/** Record what a table was just computed from (`inputs`: the curated files its fingerprint covers). */
export async function recordInputs(
  store: ObjectStore,
  table: string,
  inputs: { fingerprint: string; files: readonly string[] },
  producer: string,
  rows: number,
  hashes: FileHashes,
): Promise<void> {
  const outputs = await outputsOf(store, table);
  if (!outputs) return;
  await putJson(store, metricStateKey(table), {
    fingerprint: inputs.fingerprint,
    producer: sha256(producer),
    outputs,
    rows,
    hashes: hashes.used(inputs.files),
  } satisfies MetricInputState);
}

/** Year and month of a month-partitioned file's key (`…/year=2024/month=3/…`); month 0 is a year's annual rows. */
const MONTH_PARTITION = /\/year=(\d+)\/month=(\d+)\//;

/** The months (first and last index, year·12 + month − 1) a month-partitioned file holds: an annual file, its whole year. */
function monthsOf(key: string, prefix: string): [number, number] | undefined {
  const partition = key.startsWith(prefix) ? MONTH_PARTITION.exec(key) : null;
  if (!partition) return undefined;
  const [year, month] = [Number(partition[1]), Number(partition[2])];
  return month === 0 ? [year * 12, year * 12 + 11] : [year * 12 + month - 1, year * 12 + month - 1];
}

/**
 * How a table declared `recompute-from: <table> month` is brought up to date: the first month it computes
 * (`from`, 0 for every month), the month before which its own rows are read back (`keepBefore`), and the
 * files of its current version kept as they are (`carry`, holding `carriedRows`) when only months after
 * all it holds came.
 */
export interface RecomputePlan {
  from: number;
  keepBefore: number;
  carry: string[];
  carriedRows: number;
}

/** The plan of a table computed whole: every month, nothing read back or kept. */
export const EVERY_MONTH: RecomputePlan = { from: 0, keepBefore: 0, carry: [], carriedRows: 0 };

/** A version appended to up to this many files is written whole at the next recompute, so files do not pile up. */
const MAX_VERSION_FILES = 12;

/**
 * The plan for a table declared `recompute-from: <table> month`. It computes from the earliest month of a
 * file of `table` added, replaced or removed since the table was written; every month unless the table's
 * files are the ones written then, by the same producer, and every changed input is such a file. When that
 * month is after every month of the files it was computed from, the table's files are kept and the new
 * months written beside them (up to MAX_VERSION_FILES files); otherwise the months before it are read back.
 */
export async function recomputePlan(
  store: ObjectStore,
  table: string,
  from: string,
  inputs: { files: readonly string[] },
  producer: string,
  hashes: FileHashes,
  maxFiles = MAX_VERSION_FILES,
): Promise<RecomputePlan> {
  const state = await getJson<MetricInputState>(store, metricStateKey(table));
  if (!state || state.producer !== sha256(producer)) return EVERY_MONTH;
  const outputs = await outputsOf(store, table);
  if (!outputs || JSON.stringify(outputs) !== JSON.stringify(state.outputs)) return EVERY_MONTH;
  const now = hashes.used(inputs.files);
  // A file whose content this run did not hash (a store without stamps) cannot be compared.
  if (inputs.files.some((k) => now[k] === undefined)) return EVERY_MONTH;
  const changed = [
    ...Object.keys(now).filter((k) => state.hashes[k]?.sha256 !== now[k].sha256),
    ...Object.keys(state.hashes).filter((k) => now[k] === undefined),
  ];
  const prefix = tablePrefix(allTables.find((t) => t.name === from)!);
  let first = Number.POSITIVE_INFINITY;
  for (const key of changed) {
    const months = monthsOf(key, prefix);
    if (!months) return EVERY_MONTH;
    first = Math.min(first, months[0]);
  }
  if (!Number.isFinite(first)) return EVERY_MONTH;
  // The table holds no month later than the files it was computed from.
  const last = Math.max(-1, ...Object.keys(state.hashes).map((k) => monthsOf(k, prefix)?.[1] ?? -1));
  const current = await tableKeys(store, allTables.find((t) => t.name === table)!);
  if (first > last && current.length > 0 && current.length < maxFiles)
    return { from: first, keepBefore: 0, carry: current, carriedRows: state.rows };
  return { from: first, keepBefore: first, carry: [], carriedRows: 0 };
}
