import { metricSqlFiles } from '../sql/metric-sql.ts';
import { allTables, columnsOf } from '../../../data-schemas/index.ts';
import type { QueryEngine } from '../seams/query-engine.ts';
import type { ObjectStore } from '../seams/object-store.ts';
import { FileHashes, fingerprintInputs, recordInputs, unchangedRows } from './metric-inputs.ts';

export interface RunMetricsOptions {
  engine: QueryEngine;
  /**
   * The lake the engine reads. Given, a table whose inputs (SQL, and every input file it reads) are
   * unchanged since it was last written is kept instead of recomputed; without it, every table is.
   */
  store?: ObjectStore;
  /** Recompute every table even when its inputs are unchanged. */
  force?: boolean;
  /** One line per table as it is written. */
  onProgress?: (line: string) => void;
  /** Folder that holds `sql/metrics/`; defaults to this repository (a bundled Lambda passes its task root). */
  root?: string;
}

export interface MetricsResult {
  /** Rows per table; `kept` when its inputs were unchanged and the table was not recomputed. */
  tables: Record<string, { rows: number; kept?: true }>;
}

/**
 * Bring every metric table up to date with the curated tables, each replacing its `metrics/<table>/`
 * file, in dependency order. With a store, a table whose inputs are unchanged since it was written is
 * kept (and so, usually, are the tables that read only it).
 */
export async function runMetrics({
  engine,
  store,
  force,
  onProgress,
  root,
}: RunMetricsOptions): Promise<MetricsResult> {
  const tables: MetricsResult['tables'] = {};
  const files = metricSqlFiles(root);
  const hashes =
    store &&
    (await FileHashes.load(
      store,
      files.map((f) => f.table),
    ));
  const fingerprints = new Map<string, string>();
  for (const file of files) {
    // What produces the table besides its inputs: the engine and the declared output columns (a schema
    // change must recompute even when the SQL text did not change).
    const producer = `${engine.name}\0${JSON.stringify(columnsOf(allTables.find((t) => t.name === file.table)!))}\0${file.sql}`;
    const inputs =
      store && hashes && (await fingerprintInputs(store, producer, file.inputs, file.partitions, hashes, fingerprints));
    if (inputs) fingerprints.set(file.table, inputs.fingerprint);
    const kept =
      store && hashes && inputs && !force ? await unchangedRows(store, file.table, inputs, hashes) : undefined;
    if (kept !== undefined) {
      tables[file.table] = { rows: kept, kept: true };
      onProgress?.(`${file.table}: ${kept.toLocaleString('en-US')} rows, kept: inputs unchanged (${file.path})`);
      continue;
    }
    const { rows } = await engine.materialize(file.table, file.sql);
    if (store && hashes && inputs) await recordInputs(store, file.table, inputs, rows, hashes);
    tables[file.table] = { rows };
    onProgress?.(`${file.table}: ${rows.toLocaleString('en-US')} rows (${file.path})`);
  }
  return { tables };
}
