import { resolve } from 'node:path';
import { allTables } from '../../../data-schemas/index.ts';
import {
  columnsOf,
  partitionColumnsOf,
  tablePrefix,
  type ColumnType,
  type TableDef,
} from '../../../data-schemas/table.ts';
import { literalPattern, sqlIdent, sqlString } from './sql-literals.ts';

/** DuckDB type per schema column type; the same names Glue/Trino use (string is VARCHAR there too). */
export const DUCKDB_TYPE: Record<ColumnType, string> = {
  string: 'VARCHAR',
  int: 'INTEGER',
  bigint: 'BIGINT',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
};

/** Pattern of a curated table's Parquet files under a lake folder: `<lake>/curated/trade_flows/**\/*.parquet`. */
const parquetGlob = (table: TableDef, lakeRoot: string): string =>
  `${literalPattern(resolve(lakeRoot))}/${tablePrefix(table)}**/*.parquet`;

/**
 * What a view reads: a curated table, its glob (every partition file there is, read lazily, so a
 * replaced partition is seen without a refresh); a metric table, exactly the files of its current
 * version as its manifest names them (the folder also holds the previous version, which no reader may mix in).
 */
function readParquet(table: TableDef, lakeRoot: string, files: readonly string[], unionByName: boolean): string {
  const partitions = partitionColumnsOf(table);
  // Hive types are explicit: inferred partition types drift (a year folder came back BIGINT).
  const hive =
    partitions.length === 0
      ? ''
      : `, hive_partitioning = true, hive_types = {${partitions.map((c) => `${sqlString(c.name)}: ${DUCKDB_TYPE[c.type]}`).join(', ')}}`;
  const source =
    table.zone === 'metrics'
      ? `[${files.map((k) => sqlString(literalPattern(resolve(lakeRoot, k)))).join(', ')}]`
      : sqlString(parquetGlob(table, lakeRoot));
  return `read_parquet(${source}${hive}${unionByName ? ', union_by_name = true' : ''})`;
}

/**
 * `CREATE OR REPLACE VIEW <table>` over the table's Parquet files in a lake folder (`files`: its keys, from
 * `tableKeys` in src/core/lake/metric-versions.ts), with every schema column cast to its declared type, so SQL written against the Glue tables
 * runs unchanged. A table without files gets an empty but typed view: read_parquet fails on nothing to
 * read, and a fresh lake must still answer every query.
 * `unionByName` reads a file that lacks a column (written before the column was added) with NULLs
 * there; it costs a read of every file's footer each time a query binds the view, so a reader that
 * knows every file has every column turns it off. `absent` names columns no file has at all (a lake
 * written by an earlier chainwatch): they read as NULL, as Athena reads a Parquet column a file lacks.
 */
export interface ViewFiles {
  unionByName?: boolean;
  absent?: ReadonlySet<string>;
}

export function viewDdl(
  table: TableDef,
  lakeRoot: string,
  files: readonly string[],
  { unionByName = true, absent }: ViewFiles = {},
): string {
  const hasData = files.length > 0;
  const columns = columnsOf(table);
  const select = columns
    .map(
      (c) =>
        `CAST(${hasData && !absent?.has(c.name) ? sqlIdent(c.name) : 'NULL'} AS ${DUCKDB_TYPE[c.type]}) AS ${sqlIdent(c.name)}`,
    )
    .join(',\n  ');
  const from = hasData ? `FROM ${readParquet(table, lakeRoot, files, unionByName)}` : 'WHERE false';
  return `CREATE OR REPLACE VIEW ${sqlIdent(table.name)} AS\nSELECT\n  ${select}\n${from};`;
}

/** A typed view of a table that cannot be read, which fails with `reason` when a query reads it. */
export const brokenViewDdl = (table: TableDef, reason: string): string =>
  viewDdl(table, '.', []).replace('WHERE false', `WHERE error(${sqlString(reason)}) IS NULL`);

/** The empty view of a table as `viewDdl` makes it, but TEMP: it exists in one session only, unseen by the others. */
export const emptyTempViewDdl = (table: TableDef): string =>
  viewDdl(table, '.', []).replace('CREATE OR REPLACE VIEW', 'CREATE OR REPLACE TEMP VIEW');

/** The views of every lake table, one statement each; `filesOf` gives each table's files (see `tableKeys` in src/core/lake/metric-versions.ts). */
export function allViewsDdl(lakeRoot: string, filesOf: (table: TableDef) => readonly string[]): string {
  return allTables.map((t) => viewDdl(t, lakeRoot, filesOf(t))).join('\n\n') + '\n';
}
