import { didYouMean } from '../close-matches.ts';
import { UsageError } from '../errors.ts';
import type { QueryEngine, SqlValue } from '../seams/query-engine.ts';

/**
 * Parameters whose values name a row of a reference table. A value that names nothing would make
 * the query answer with no rows and no word why; it is refused with the values that come close.
 * The parameter name decides (the saved queries and the analyst guide use these names).
 */
const REFERENCES: Record<string, { table: string; column: string; what: string }> = {
  hs: { table: 'basket', column: 'hs6', what: 'an HS6 code of the basket' },
  hs6: { table: 'basket', column: 'hs6', what: 'an HS6 code of the basket' },
  sector: { table: 'basket', column: 'sector', what: 'a basket sector' },
  reporter: { table: 'countries', column: 'iso3', what: 'a country ISO3 code' },
  importer: { table: 'countries', column: 'iso3', what: 'a country ISO3 code' },
  framework: { table: 'screen_frameworks', column: 'framework_id', what: 'a screening framework id' },
};

async function distinctValues(engine: QueryEngine, table: string, column: string): Promise<string[]> {
  const result = await engine.query(`SELECT DISTINCT ${column} AS v FROM ${table} ORDER BY 1`);
  return result.rows.map((r) => String(r.v));
}

/** Refuse a reference parameter whose value is not in its table (a table still empty checks nothing). */
export async function checkReferenceParams(engine: QueryEngine, named: Record<string, SqlValue>): Promise<void> {
  for (const [name, value] of Object.entries(named)) {
    const ref = REFERENCES[name];
    if (!ref || typeof value !== 'string') continue;
    const known = await distinctValues(engine, ref.table, ref.column);
    if (known.length === 0 || known.includes(value)) continue;
    const listed = known.length <= 12 ? `The values are: ${known.join(', ')}.` : '';
    throw new UsageError(
      `--param ${name}=${value} is not ${ref.what} (${ref.table}.${ref.column})`,
      `${didYouMean(value, known)}${listed || `List them with: chainwatch query "SELECT DISTINCT ${ref.column} FROM ${ref.table}"`}`.trim(),
    );
  }
}

const count = async (engine: QueryEngine, sql: string, params: SqlValue[]): Promise<number> =>
  Number((await engine.query(sql, params)).rows[0]?.n ?? 0);

/**
 * Why a query found nothing, when the reason is that the lake holds no data for what it asked:
 * a basket product or sector without trade rows, a year outside the data. Undefined otherwise.
 */
export async function emptyResultNote(
  engine: QueryEngine,
  named: Record<string, SqlValue>,
): Promise<string | undefined> {
  const hs = named.hs ?? named.hs6;
  if (typeof hs === 'string') {
    const trade = await count(engine, 'SELECT COUNT(*) AS n FROM trade_flows WHERE hs6 = ?', [hs]);
    const world = await count(engine, 'SELECT COUNT(*) AS n FROM world_trade WHERE hs_code = ?', [hs]);
    if (trade + world === 0)
      return `HS ${hs} is in the basket but the lake has no trade rows for it (the coverage table lists what the lake holds).`;
  }
  if (typeof named.sector === 'string') {
    const rows = await count(
      engine,
      'SELECT COUNT(*) AS n FROM trade_flows t JOIN basket b ON b.hs6 = t.hs6 WHERE b.sector = ?',
      [named.sector],
    );
    if (rows === 0)
      return `Sector ${named.sector} is in the basket but the lake has no trade rows for its products (the coverage table lists what the lake holds).`;
  }
  if (typeof named.year === 'number') {
    const span = (await engine.query('SELECT MIN(year) AS first, MAX(year) AS last FROM trade_flows')).rows[0];
    if (span?.first !== null && (named.year < Number(span.first) || named.year > Number(span.last)))
      return `The lake's trade rows cover ${span.first}–${span.last}; year ${named.year} has none.`;
  }
  return undefined;
}
