import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { metricTables } from '../../data-schemas/metrics.ts';
import type { QueryEngine } from '../../src/engine/query-engine.ts';
import { UsageError } from '../../src/errors.ts';
import { PROJECT_ROOT } from '../../src/paths.ts';

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
}

const metricNames = metricTables.map((t) => t.name);

/** Metric tables a statement reads (`FROM supplier_shares`, `JOIN dependency …`), ignoring comments. */
function readsOf(sql: string, self: string): string[] {
  const code = sql.replace(/--.*$/gm, '');
  return metricNames.filter((name) => name !== self && new RegExp(`\\b(from|join)\\s+${name}\\b`, 'i').test(code));
}

/** Order files so every table comes after the metric tables it reads (stable: schema order otherwise). */
function dependencyOrder(files: MetricSql[]): MetricSql[] {
  const ordered: MetricSql[] = [];
  const pending = [...files];
  while (pending.length > 0) {
    const next = pending.findIndex((f) => f.reads.every((r) => ordered.some((o) => o.table === r)));
    if (next < 0) {
      throw new UsageError(`The metric SQL files read each other in a cycle: ${pending.map((f) => f.path).join(', ')}`,
        'Make each metric read only curated tables or metric tables that do not read it back.');
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
  const names = readdirSync(sqlDir).filter((f) => f.endsWith('.sql')).map((f) => f.slice(0, -'.sql'.length));
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
      return { table, path: `${METRIC_SQL_DIR}${table}.sql`, sql, reads: readsOf(sql, table) };
    }),
  );
}

export interface RunMetricsOptions {
  engine: QueryEngine;
  /** One line per table as it is written. */
  onProgress?: (line: string) => void;
  /** Folder that holds `sql/metrics/`; defaults to this repository (a bundled Lambda passes its task root). */
  root?: string;
}

/** Rebuild every metric table from the curated tables, each replacing its `metrics/<table>/` file. */
export async function runMetrics({ engine, onProgress, root }: RunMetricsOptions): Promise<{ tables: Record<string, { rows: number }> }> {
  const tables: Record<string, { rows: number }> = {};
  for (const file of metricSqlFiles(root)) {
    const { rows } = await engine.materialize(file.table, file.sql);
    tables[file.table] = { rows };
    onProgress?.(`${file.table}: ${rows.toLocaleString('en-US')} rows (${file.path})`);
  }
  return { tables };
}
