import { tablePrefix, type TableDef } from '../../../data-schemas/table.ts';
import { StoreError } from '../errors.ts';
import { textOf, type ObjectStore } from '../seams/object-store.ts';
import { metricManifestFolder, metricManifestKey, metricVersionOf, metricVersionPrefix } from './layout.ts';

/**
 * Write-new-then-switch for metric tables, the same in a folder and in S3:
 *
 *   1. write: the engine writes the whole table into `metrics/<table>/v=<n>/`, a folder no reader
 *      follows (n = the current version + 1; what a killed run left there is removed first);
 *   2. switch: one put replaces the table's manifest (`metrics/<table>/_symlink_format_manifest/manifest`),
 *      which lists the new version's files — the only step readers can see;
 *   3. clean: every other key under `metrics/<table>/` goes, except the version the switch replaced,
 *      which readers that started before the switch may still be reading; the next switch removes it.
 *
 * Killed before the switch, readers stay on the old version whole; after it, on the new one whole.
 * The manifest lines are the files' URIs where the store has them (`s3://bucket/prefix/metrics/…` in S3:
 * what Athena's SymlinkTextInputFormat reads), else their lake keys (a folder); a reader here takes the
 * lake key from the end of each line.
 */

/** The version readers see: its number and its files' keys. */
export interface MetricVersion {
  version: number;
  keys: string[];
}

/** The lake key a manifest line names: the line ends with it, whatever store location is before it. */
function keyOfLine(table: TableDef, line: string, location: string): string {
  const at = line.lastIndexOf(tablePrefix(table));
  const version = at < 0 ? undefined : metricVersionOf(table, line.slice(at));
  if (version === undefined) {
    throw new StoreError(
      `The manifest of ${table.name} at ${location}${metricManifestKey(table)} names "${line}", which is not a file of a ${table.name} version`,
      `Recompute the table: chainwatch metrics --force (in AWS, run the metrics step again).`,
    );
  }
  return line.slice(at);
}

/** The current version of a metric table, or undefined before its first metrics run. */
export async function currentMetricVersion(store: ObjectStore, table: TableDef): Promise<MetricVersion | undefined> {
  const bytes = await store.get(metricManifestKey(table));
  if (bytes === undefined) return undefined;
  const keys = textOf(bytes)
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => keyOfLine(table, line, store.location));
  const versions = new Set(keys.map((k) => metricVersionOf(table, k)));
  if (versions.size > 1) {
    throw new StoreError(
      `The manifest of ${table.name} at ${store.location}${metricManifestKey(table)} names files of ${versions.size} versions`,
      `Recompute the table: chainwatch metrics --force (in AWS, run the metrics step again).`,
    );
  }
  // An empty table has an empty manifest: its version is the one recorded in the empty-version marker key.
  const version = keys.length > 0 ? metricVersionOf(table, keys[0])! : await emptyVersion(store, table);
  return { version, keys };
}

/**
 * The Parquet files a reader of a table reads now: every partition file of a curated table; the current
 * version's files of a metric table (none before its first run).
 */
export async function tableKeys(store: ObjectStore, table: TableDef): Promise<string[]> {
  if (table.zone === 'metrics') return (await currentMetricVersion(store, table))?.keys ?? [];
  return (await store.list(tablePrefix(table))).filter((k) => k.endsWith('.parquet'));
}

/**
 * A version with no rows writes no files (Athena's UNLOAD of nothing), so its number is kept in a
 * marker beside the manifest: the next version must still be a new folder, never a reused one.
 */
const emptyMarkerKey = (table: TableDef) => `${metricManifestFolder(table)}.empty-version`;

async function emptyVersion(store: ObjectStore, table: TableDef): Promise<number> {
  const bytes = await store.get(emptyMarkerKey(table));
  return bytes === undefined ? 0 : Number(textOf(bytes));
}

/** What an engine reports after writing a version: its rows and the keys of its files (under the prefix). */
export interface WrittenVersion {
  rows: number;
  keys: string[];
}

/**
 * Write a new version of a metric table with `write` (given the empty folder to write into), copy into it
 * the current version's files named in `carry` (kept as they are: a table appended to), switch readers to
 * it, and remove the versions before the one it replaced. `rows` counts what `write` wrote.
 */
export async function publishMetricVersion(
  store: ObjectStore,
  table: TableDef,
  write: (prefix: string) => Promise<WrittenVersion>,
  carry: readonly string[] = [],
): Promise<{ rows: number; version: MetricVersion }> {
  const current = await currentMetricVersion(store, table);
  const stranger = carry.find((k) => !current?.keys.includes(k));
  if (stranger) throw new Error(`${stranger} is not a file of the current version of ${table.name}`);
  const next = (current?.version ?? 0) + 1;
  const prefix = metricVersionPrefix(table, next);
  // Only a killed run can have written here (readers never follow a version above the current one).
  await store.delete(await store.list(prefix));
  const written = await write(prefix);
  const outside = written.keys.find((k) => !k.startsWith(prefix));
  if (outside) throw new Error(`The engine wrote ${outside} outside the new version ${prefix}`);
  // After the write: Athena's UNLOAD refuses a location that holds anything.
  const carried = carry.map((_, i) => `${prefix}carried-${String(i).padStart(5, '0')}.parquet`);
  for (const [i, key] of carry.entries()) await store.copy(key, carried[i]);
  const keys = [...written.keys, ...carried].sort();
  if (keys.length === 0) await store.put(emptyMarkerKey(table), String(next), 'text/plain');
  const line = (k: string) => `${store.uri?.(k) ?? k}\n`;
  await store.put(metricManifestKey(table), keys.map(line).join(''), 'text/plain');
  const keep = new Set([metricManifestKey(table), ...keys, ...(current?.keys ?? [])]);
  if (keys.length === 0) keep.add(emptyMarkerKey(table));
  const previous = current?.version;
  await store.delete(
    (await store.list(tablePrefix(table))).filter(
      (k) => !keep.has(k) && !(previous !== undefined && metricVersionOf(table, k) === previous),
    ),
  );
  return { rows: written.rows, version: { version: next, keys } };
}
