import { DuckDBInstance } from '@duckdb/node-api';
import { columnsOf, type TableDef } from '../data-schemas/table.ts';

/**
 * Are two contenders' metric tables the same? Joined on the table's cell keys inside DuckDB (so it
 * scales to the 10M-row outputs): every key on both sides, every value equal — doubles within
 * `tolerance`, relative above 1 and absolute below (shares are 0–1, totals are dollars).
 */
const TOLERANCE = 1e-9;
/** A trade metric row is identified by its cell, plus the supplier for supplier_shares. */
const CELL_KEYS = ['reporter_iso3', 'hs6', 'flow', 'year', 'partner_iso3'];

/** Join keys: the trade cell where the table has one, else every non-double column (production series). */
function keysOf(table: TableDef): string[] {
  const columns = columnsOf(table);
  const cell = columns.filter((c) => CELL_KEYS.includes(c.name));
  return (cell.length ? cell : columns.filter((c) => c.type !== 'double')).map((c) => c.name);
}

export interface TableOutput {
  contender: string;
  /** Parquet file of one metric table. */
  file: (table: string) => string;
}

export interface TableCheck {
  table: string;
  a: string;
  b: string;
  rowsA: number;
  rowsB: number;
  onlyInA: number;
  onlyInB: number;
  /** Rows present in both whose values differ beyond the tolerance. */
  differing: number;
  /** Largest scaled difference over all double columns. */
  worst: number;
  ok: boolean;
  /** Why the tables could not be compared (an output is missing because its contender failed). */
  error?: string;
}

const quote = (s: string): string => `'${s.replace(/'/g, "''")}'`;
const ident = (s: string): string => `"${s}"`;

function checkSql(table: TableDef, fileA: string, fileB: string, tolerance: number): string {
  const columns = columnsOf(table);
  const keys = keysOf(table);
  const values = columns.filter((c) => !keys.includes(c.name));
  const scaled = (c: string) =>
    `abs(a.${ident(c)} - b.${ident(c)}) / greatest(1, abs(a.${ident(c)}), abs(b.${ident(c)}))`;
  const differs = values.map((c) =>
    c.type === 'double'
      ? `(a.${ident(c.name)} IS NULL) <> (b.${ident(c.name)} IS NULL) OR ${scaled(c.name)} > ${tolerance}`
      : `a.${ident(c.name)} IS DISTINCT FROM b.${ident(c.name)}`,
  );
  const doubles = values.filter((c) => c.type === 'double').map((c) => `coalesce(${scaled(c.name)}, 0)`);
  // Rows that share a key (a production series repeated per unit, say) pair up in value order.
  const nth = `row_number() OVER (PARTITION BY ${keys.map(ident).join(', ')} ORDER BY ${columns.map((c) => ident(c.name)).join(', ')}) AS _n`;
  return `
    WITH a AS (SELECT *, true AS _present, ${nth} FROM read_parquet(${quote(fileA)})),
         b AS (SELECT *, true AS _present, ${nth} FROM read_parquet(${quote(fileB)}))
    SELECT
      count(a._present)::DOUBLE AS rows_a,
      count(b._present)::DOUBLE AS rows_b,
      count(*) FILTER (WHERE b._present IS NULL)::DOUBLE AS only_a,
      count(*) FILTER (WHERE a._present IS NULL)::DOUBLE AS only_b,
      count(*) FILTER (WHERE a._present AND b._present AND (${differs.join(' OR ') || 'false'}))::DOUBLE AS differing,
      coalesce(max(${doubles.length ? `greatest(${doubles.join(', ')})` : '0'}), 0)::DOUBLE AS worst
    FROM a FULL JOIN b ON a._n = b._n AND ${keys.map((k) => `a.${ident(k)} IS NOT DISTINCT FROM b.${ident(k)}`).join(' AND ')}`;
}

/** Compare `reference` against each of `others` on every given table. */
export async function crossCheck(
  tables: readonly TableDef[],
  reference: TableOutput,
  others: readonly TableOutput[],
  tolerance = TOLERANCE,
): Promise<TableCheck[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  const checks: TableCheck[] = [];
  try {
    for (const other of others) {
      for (const table of tables) {
        let r: Record<string, number>;
        try {
          const reader = await db.runAndReadAll(
            checkSql(table, reference.file(table.name), other.file(table.name), tolerance),
          );
          r = (reader.getRowObjectsJS() as Record<string, number>[])[0];
        } catch (error) {
          checks.push({
            table: table.name,
            a: reference.contender,
            b: other.contender,
            rowsA: NaN,
            rowsB: NaN,
            onlyInA: NaN,
            onlyInB: NaN,
            differing: NaN,
            worst: NaN,
            ok: false,
            error: (error as Error).message.split('\n')[0],
          });
          continue;
        }
        checks.push({
          table: table.name,
          a: reference.contender,
          b: other.contender,
          rowsA: r.rows_a,
          rowsB: r.rows_b,
          onlyInA: r.only_a,
          onlyInB: r.only_b,
          differing: r.differing,
          worst: r.worst,
          ok: r.only_a === 0 && r.only_b === 0 && r.differing === 0 && r.rows_a === r.rows_b,
        });
      }
    }
  } finally {
    db.closeSync();
    instance.closeSync();
  }
  return checks;
}
