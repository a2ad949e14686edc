import { existsSync, readdirSync } from 'node:fs';
import { metricSqlFiles } from '../../src/core/sql/metric-sql.ts';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { curatedTables } from '../../data-schemas/curated.ts';
import { metricTables } from '../../data-schemas/metrics.ts';
import { partitionColumnsOf, tablePrefix, type TableDef } from '../../data-schemas/table.ts';
import { toPositional } from '../../src/core/sql/placeholders.ts';
import { DUCKDB_TYPE, viewDdl } from '../../src/adapters/duckdb-engine/duckdb-views.ts';
import { contenderArgs, tableClock, timed } from './result.ts';

/**
 * The practical limit: the same sql/metrics/*.sql files run by a bare DuckDB on the same Parquet,
 * as a DuckDB user would — plain `read_parquet` views, `COPY (…) TO` a file per table, nothing else.
 */
const { lake, out } = contenderArgs(['lake', 'out']);

const quote = (s: string): string => `'${s.replace(/'/g, "''")}'`;
/** Whether a table has Parquet files in the lake folder (read_parquet refuses a glob that matches none). */
const hasFiles = (table: TableDef, root: string): boolean => {
  const dir = join(resolve(root), tablePrefix(table));
  return existsSync(dir) && readdirSync(dir, { recursive: true }).some((f) => String(f).endsWith('.parquet'));
};

function plainView(table: TableDef, root: string): string {
  // A table the synthetic lake does not fill (world_trade, screen_frameworks) is empty, as a user would declare it.
  if (!hasFiles(table, root)) return viewDdl(table, root, []);
  const hive = partitionColumnsOf(table);
  const options = hive.length
    ? `, hive_partitioning = true, hive_types = {${hive.map((c) => `${quote(c.name)}: ${DUCKDB_TYPE[c.type]}`).join(', ')}}`
    : '';
  return `CREATE VIEW "${table.name}" AS SELECT * FROM read_parquet(${quote(`${resolve(root)}/${tablePrefix(table)}**/*.parquet`)}${options})`;
}

await timed(async () => {
  const clock = tableClock();
  await mkdir(out, { recursive: true });
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  // The one setting the metric SQL's meaning depends on (Trino truncates int / int).
  await db.run('SET integer_division = true');
  for (const table of curatedTables) await db.run(plainView(table, lake));
  clock.opened();
  const rows: Record<string, number> = {};
  for (const file of metricSqlFiles()) {
    const target = `${resolve(out)}/${file.table}.parquet`;
    // A table computed from a month (`:from_month`) reads its earlier months back from itself: a full
    // run computes every month (0) of a table that is empty until then.
    if (file.recomputeFrom) await db.run(viewDdl(metricTables.find((t) => t.name === file.table)!, lake, []));
    const { sql, order } = toPositional(file.sql);
    const copy = await db.prepare(`COPY (\n${sql.trim().replace(/;\s*$/, '')}\n) TO ${quote(target)} (FORMAT parquet)`);
    for (let i = 1; i <= order.length; i++) copy.bindInteger(i, 0);
    const result = await copy.run();
    rows[file.table] = Number(result.rowsChanged);
    await db.run(`CREATE OR REPLACE VIEW "${file.table}" AS SELECT * FROM read_parquet(${quote(target)})`);
    clock.written(file.table);
  }
  db.closeSync();
  instance.closeSync();
  return { rows, ...clock.result() };
});
