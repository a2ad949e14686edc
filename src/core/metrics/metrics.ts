import { metricSqlFiles } from '../sql/metric-sql.ts';
import { toPositional } from '../sql/placeholders.ts';
import type { QueryEngine } from '../seams/query-engine.ts';
import type { ObjectStore } from '../seams/object-store.ts';
import {
  EVERY_MONTH,
  FileHashes,
  fingerprintInputs,
  producerOf,
  recomputePlan,
  recordInputs,
  unchangedRows,
  type RecomputePlan,
} from './metric-inputs.ts';

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
  /**
   * Rows per table; `kept` when its inputs were unchanged and the table was not recomputed; `from` (`YYYY-MM`)
   * when only the months from then on were computed and the earlier rows kept (`-- recompute-from:`).
   */
  tables: Record<string, { rows: number; kept?: true; from?: string }>;
}

/** `YYYY-MM` of a month index (year·12 + month − 1). */
const monthOf = (index: number): string => `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;

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
    const producer = producerOf(engine.name, file.table, file.sql);
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
    const plan: RecomputePlan =
      file.recomputeFrom && store && hashes && inputs && !force
        ? await recomputePlan(store, file.table, file.recomputeFrom, inputs, producer, hashes)
        : EVERY_MONTH;
    const statement = toPositional(file.sql);
    const written = await engine.materialize(
      file.table,
      statement.sql,
      statement.order.map((p) => (p.name === 'keep_before' ? plan.keepBefore : plan.from)),
      plan.carry,
    );
    const rows = written.rows + plan.carriedRows;
    if (store && hashes && inputs) await recordInputs(store, file.table, inputs, producer, rows, hashes);
    tables[file.table] = plan.from > 0 ? { rows, from: monthOf(plan.from) } : { rows };
    const recomputed =
      plan.from === 0
        ? ''
        : plan.carry.length > 0
          ? `, computed from ${monthOf(plan.from)} on, beside its ${plan.carry.length} file(s) kept`
          : `, computed from ${monthOf(plan.from)} on (the months before kept)`;
    onProgress?.(`${file.table}: ${rows.toLocaleString('en-US')} rows${recomputed} (${file.path})`);
  }
  return { tables };
}
