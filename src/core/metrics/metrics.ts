import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allTables, columnsOf } from '../../../data-schemas/index.ts';
import { metricTables } from '../../../data-schemas/metrics.ts';
import type { QueryEngine } from '../seams/query-engine.ts';
import { UsageError } from '../errors.ts';
import { PROJECT_ROOT } from '../project-root.ts';
import type { ObjectStore } from '../seams/object-store.ts';
import {
  FileHashes,
  fingerprintInputs,
  partitionFiltersOf,
  recordInputs,
  tablesReadBy,
  unchangedRows,
  type PartitionFilter,
} from './metric-inputs.ts';

/** Repository-relative folder of the metric SQL files; reports link to `<folder><table>.sql`. */
export const METRIC_SQL_DIR = 'sql/metrics/';

export interface MetricSql {
  /** Metric table the file produces (the file is `<table>.sql`). */
  table: string;
  /** Repository-relative path, e.g. `sql/metrics/concentration.sql`. */
  path: string;
  sql: string;
  /** Other metric tables the SQL reads, which must be materialized first. */
  reads: string[];
  /** Every table of the lake the SQL reads (curated, reference and metric). */
  inputs: string[];
  /** Partitions it reads of its inputs, as its header declares (`-- partitions: trade_flows month=0`). */
  partitions: PartitionFilter[];
}

const metricNames = metricTables.map((t) => t.name);

/** Order files so every table comes after the metric tables it reads (stable: schema order otherwise). */
function dependencyOrder(files: MetricSql[]): MetricSql[] {
  const ordered: MetricSql[] = [];
  const pending = [...files];
  while (pending.length > 0) {
    const next = pending.findIndex((f) => f.reads.every((r) => ordered.some((o) => o.table === r)));
    if (next < 0) {
      throw new UsageError(
        `The metric SQL files read each other in a cycle: ${pending.map((f) => f.path).join(', ')}`,
        'Make each metric read only curated tables or metric tables that do not read it back.',
      );
    }
    ordered.push(...pending.splice(next, 1));
  }
  return ordered;
}

/**
 * The metric SQL files, one per metric table, in the order they must run. Every metric table of
 * data-schemas/metrics.ts has exactly one file and every file names a metric table.
 */
export function metricSqlFiles(root: string = PROJECT_ROOT): MetricSql[] {
  const sqlDir = join(root, METRIC_SQL_DIR);
  const names = readdirSync(sqlDir)
    .filter((f) => f.endsWith('.sql'))
    .map((f) => f.slice(0, -'.sql'.length));
  const unknown = names.filter((n) => !metricNames.includes(n));
  const missing = metricNames.filter((n) => !names.includes(n));
  if (unknown.length > 0 || missing.length > 0) {
    throw new UsageError(
      `${METRIC_SQL_DIR} does not match the metric tables (${[
        ...unknown.map((n) => `no table for ${n}.sql`),
        ...missing.map((n) => `no file for ${n}`),
      ].join('; ')})`,
      'Keep one <table>.sql per table of data-schemas/metrics.ts.',
    );
  }
  return dependencyOrder(
    metricNames.map((table) => {
      const sql = readFileSync(join(sqlDir, `${table}.sql`), 'utf8');
      const path = `${METRIC_SQL_DIR}${table}.sql`;
      const inputs = tablesReadBy(sql, table);
      return {
        table,
        path,
        sql,
        inputs,
        reads: inputs.filter((t) => metricNames.includes(t)),
        partitions: partitionFiltersOf(sql, path, inputs),
      };
    }),
  );
}

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
