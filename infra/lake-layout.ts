import { allTables, tablePrefix } from '../data-schemas/index.ts';
import { stagingPrefixOf } from '../src/core/ingest/manifest.ts';
import { METRIC_STATE_PREFIX } from '../src/core/metrics/metric-inputs.ts';

/**
 * Key prefixes of the data lake, the same in the local folder and in S3 (see the brief's lake
 * layout). IAM grants are scoped to these, so a Lambda can touch only the part of the lake its
 * step owns. Table prefixes (`curated/<table>/`, `metrics/<table>/`) come from `tablePrefix`.
 */
export const lakePrefix = {
  raw: (source: string) => `raw/${source}/`,
  curated: 'curated/',
  quarantine: (source: string) => `quarantine/${source}/`,
  metrics: 'metrics/',
  runs: '_runs/',
  /** One state object per live source: what it last fetched, whether it is stale. */
  state: (source: string) => `_state/${source}.json`,
  /** What each metric table was computed from, so an unchanged one is kept. */
  metricState: METRIC_STATE_PREFIX,
  /** Where the Athena engine UNLOADs before moving files into `metrics/<table>/`. */
  staging: '_staging/',
} as const;

/**
 * Key patterns the ingest of one source may write, and nothing else: its own `source=<id>/` partition
 * of every curated table several sources write, the reference tables (only the bundled data land
 * them), its staging area and its own run manifests (`_runs/<run-id>-<source>.json`).
 */
export function ingestWritePatterns(source: string): string[] {
  const tables = allTables.filter((t) => t.zone === 'curated');
  return [
    ...tables.filter((t) => t.partitionKeys.includes('source')).map((t) => `${tablePrefix(t)}source=${source}/*`),
    ...(source === 'bundled'
      ? tables.filter((t) => !t.partitionKeys.includes('source')).map((t) => `${tablePrefix(t)}*`)
      : []),
    `${stagingPrefixOf(source)}*`,
    `${lakePrefix.runs}*-${source}.json`,
  ];
}
