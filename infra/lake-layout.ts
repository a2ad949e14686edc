import { lakePrefix } from '../src/core/lake/layout.ts';
import { allTables, tablePrefix } from '../data-schemas/index.ts';

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
    `${lakePrefix.ingestStaging(source)}*`,
    `${lakePrefix.runs}*-${source}.json`,
  ];
}
