import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allTables, partitionColumnsOf } from '../../../data-schemas/index.ts';
import { metricTables } from '../../../data-schemas/metrics.ts';
import { UsageError } from '../errors.ts';
import { PROJECT_ROOT } from '../project-root.ts';
import { toPositional } from './placeholders.ts';

/**
 * The metric SQL files (`sql/metrics/<table>.sql`) as the code sees them: which table each makes,
 * which tables it reads and which of their partitions. The metrics step runs them; the report
 * publishes each beside the charts made from its table.
 */

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
      throw new UsageError(
        `${path} declares "-- partitions: ${table} ${column}=${value}", but ${table} is not a table it reads or ${column} is not one of its partition columns`,
        'Declare only partition columns of tables the SQL reads (see data-schemas/), or remove the line.',
      );
    }
    return { table, column, value };
  });
}

const RECOMPUTE_FROM_LINE = /^--\s*recompute-from:\s*(\w+)\s+month\s*$/m;
/** The parameters of a metric SQL file recomputed from a month (see `recompute-from`), and only those. */
const RECOMPUTE_PARAMS = ['from_month', 'keep_before'] as const;

/**
 * The month-partitioned table a metric is recomputed from, declared in its SQL as
 * `-- recompute-from: trade_flows month`: the SQL takes `:from_month` (a month index, year·12 + month − 1)
 * and computes only the rows of that month on, and `:keep_before`, before which it reads the table's own
 * rows back; so a run whose new files are all recent months recomputes only those months. Only curated
 * inputs may be read (their changed files name the months that changed), and that table must be
 * partitioned by year and month.
 */
export function recomputeFromOf(
  sql: string,
  path: string,
  reads: readonly string[],
  metricReads: readonly string[],
): string | undefined {
  const table = RECOMPUTE_FROM_LINE.exec(sql)?.[1];
  const params = [...new Set(toPositional(sql).order.map((p) => p.name))];
  const expected = RECOMPUTE_PARAMS.map((p) => `:${p}`).join(' and ');
  const fix = `Declare "-- recompute-from: <table> month" for a table read by month, and use ${expected} and no other parameter; or neither.`;
  if (table === undefined) {
    if (params.length > 0)
      throw new UsageError(`${path} takes parameters (${params.map((p) => `:${p}`).join(', ')})`, fix);
    return undefined;
  }
  const def = allTables.find((t) => t.name === table);
  const partitions = def ? partitionColumnsOf(def).map((c) => c.name) : [];
  if (!def || !reads.includes(table) || !partitions.includes('year') || !partitions.includes('month')) {
    throw new UsageError(
      `${path} declares "-- recompute-from: ${table} month", but ${table} is not a table it reads partitioned by year and month`,
      fix,
    );
  }
  if ([...params].sort().join() !== RECOMPUTE_PARAMS.join())
    throw new UsageError(
      `${path} declares "-- recompute-from: ${table} month" but does not take ${expected} alone`,
      fix,
    );
  if (metricReads.length > 0) {
    throw new UsageError(
      `${path} declares "-- recompute-from: ${table} month" but reads metric tables (${metricReads.join(', ')})`,
      'A table recomputed from a month reads curated tables only: their changed files name the months that changed.',
    );
  }
  return table;
}

/** Tables of the lake a statement reads (`FROM trade_flows`, `JOIN countries …`), ignoring comments. */
function tablesReadBy(sql: string, self: string): string[] {
  const code = sql.replace(/--.*$/gm, '');
  return allTables
    .map((t) => t.name)
    .filter((name) => name !== self && new RegExp(`\\b(from|join)\\s+${name}\\b`, 'i').test(code))
    .sort();
}

/** Repository-relative folder of the metric SQL files; reports link to `<folder><table>.sql`. */
const METRIC_SQL_DIR = 'sql/metrics/';

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
  /** The month-partitioned table it can be recomputed from (`-- recompute-from: trade_flows month`), if any. */
  recomputeFrom?: string;
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
      const reads = inputs.filter((t) => metricNames.includes(t));
      return {
        table,
        path,
        sql,
        inputs,
        reads,
        partitions: partitionFiltersOf(sql, path, inputs),
        recomputeFrom: recomputeFromOf(sql, path, inputs, reads),
      };
    }),
  );
}
