import { tablePrefix } from '../../../data-schemas/table-names.ts';

/**
 * The lake's key layout, the same in a folder and in S3: every module that names a lake key asks
 * here, and infra scopes each Lambda's IAM grants with the same prefixes. Table prefixes
 * (`curated/<table>/`, `metrics/<table>/`) come from the table definitions (`tablePrefix`).
 */
export const lakePrefix = {
  raw: (source: string) => `raw/${source}/`,
  curated: 'curated/',
  quarantineRoot: 'quarantine/',
  quarantine: (source: string) => `quarantine/${source}/`,
  metrics: 'metrics/',
  runs: '_runs/',
  stateRoot: '_state/',
  /** One state object per live source: what it last fetched, whether it is stale. */
  state: (source: string) => `_state/${source}.json`,
  /** What each metric table was computed from, so an unchanged one is kept. */
  metricState: '_state/metrics/',
  staging: '_staging/',
  /** Where every source's ingest stages its commits: `_staging/ingest/<source>/<run-id>/`. */
  ingestStagingRoot: '_staging/ingest/',
  /** Where one source's run stages its curated files before its commit marker switches them in (one writer per source). */
  ingestStaging: (source: string) => `_staging/ingest/${source}/`,
  /** The one-writer lease (src/core/lake/lease.ts) and its takeover guards. */
  lease: '_lease/',
} as const;

/**
 * The marker that makes a folder or prefix a chainwatch lake: chainwatch writes into, and deletes from,
 * only a lake that carries it (or one it recognises as made by an earlier version: src/core/lake/lake-marker.ts).
 */
export const LAKE_MARKER = '_chainwatch-lake.json';

/** The lease object: which run writes to the lake now, and until when. */
export const LEASE_KEY = `${lakePrefix.lease}writer.json`;

/** The lake's top-level folders (`raw/`, `curated/`, …, `_lease/`): the first segment of each prefix above. */
export const LAKE_FOLDERS: readonly string[] = [
  ...new Set(Object.values(lakePrefix).map((p) => `${(typeof p === 'function' ? p('-') : p).split('/')[0]}/`)),
];

/** Every top-level entry a lake has: its marker and its folders. */
export const LAKE_ENTRIES: readonly string[] = [LAKE_MARKER, ...LAKE_FOLDERS.map((f) => f.slice(0, -1))];

/** The one file of a partition: replaced whole by one atomic put. */
export const PART_FILE = 'part-00000.parquet';

/** An input kept exactly as read: the key is a function of the content, so landing it again is a no-op. */
export const rawKey = (source: string, sha256: string, file: string): string =>
  `${lakePrefix.raw(source)}${sha256.slice(0, 16)}/${file}`;
export const manifestKey = (runId: string): string => `${lakePrefix.runs}${runId}.json`;
export const quarantineKey = (source: string, runId: string): string =>
  `${lakePrefix.quarantine(source)}${runId}/rejects.jsonl`;
export const metricStateKey = (table: string): string => `${lakePrefix.metricState}${table}.json`;
/** True for a live source's own state object (`_state/<source>.json`), not the metric states in the folder below. */
export const isSourceStateKey = (key: string): boolean => /^_state\/[^/]+\.json$/.test(key);
/**
 * A metric table's versions: each metrics run writes the whole table into a new folder
 * `metrics/<table>/v=<n>/`, which no reader follows until the table's manifest names it.
 */
export const metricVersionPrefix = (table: { zone: 'curated' | 'metrics'; name: string }, version: number): string =>
  `${tablePrefix(table)}v=${version}/`;
/** The version number of a key under a metric table's prefix, or undefined for any other key. */
export const metricVersionOf = (
  table: { zone: 'curated' | 'metrics'; name: string },
  key: string,
): number | undefined => {
  const match = /^v=(\d+)\//.exec(key.slice(tablePrefix(table).length));
  return key.startsWith(tablePrefix(table)) && match ? Number(match[1]) : undefined;
};
/**
 * The switch of a metric table: a symlink manifest (one file URI per line) that names the current
 * version's files. Replacing it is one atomic put; every reader follows it — Athena natively (the Glue
 * table is a SymlinkTextInputFormat table located at this folder), DuckDB and readTable through
 * src/core/lake/metric-versions.ts.
 */
export const metricManifestFolder = (table: { zone: 'curated' | 'metrics'; name: string }): string =>
  `${tablePrefix(table)}_symlink_format_manifest/`;
export const metricManifestKey = (table: { zone: 'curated' | 'metrics'; name: string }): string =>
  `${metricManifestFolder(table)}manifest`;
