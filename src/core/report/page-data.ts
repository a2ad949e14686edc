import { ChainwatchError } from '../errors.ts';
import type { QueryEngine, Row, SqlValue } from '../seams/query-engine.ts';
import { reportStatement } from '../sql/report-sql.ts';

/**
 * How a page gets its data: from the query engine, through the report's SQL files
 * (`sql/report/<name>.sql`), never by reading a table into memory. A query either returns a few rows
 * the data cannot grow (the site's reference facts, one claim check), or belongs to a page family:
 * it returns the rows of every page of one kind (every product page, say) ordered by the page key,
 * and the build reads it as a stream, one page's rows at a time. A family may have several queries,
 * each ordered by the same key; they are read side by side, so a page gets the rows of each.
 */

/** A report query's result or order is not what the page family expects: a bug in a report SQL file. */
class ReportQueryError extends ChainwatchError {}

/**
 * The values the report's queries name. The report is about one importer's dependence (US imports
 * by supplier); the allies are the seed article's grouping; Comtrade publishes Taiwan as partner 490.
 */
export const REPORT_PARAMS: Readonly<Record<string, SqlValue>> = {
  reporter: 'USA',
  import_flow: 'M',
  export_flow: 'X',
  ally_group: 'ALLY_2021_SC',
  world: 'WLD',
  taiwan_code: '490',
  unclassified_sector: 'unclassified',
};

/** The rows of a report query whose size the data cannot grow: reference facts, one claim check, one series. */
export async function queryRows<T>(
  engine: QueryEngine,
  name: string,
  values: Readonly<Record<string, SqlValue>> = {},
): Promise<T[]> {
  const { sql, params } = reportStatement(name, { ...REPORT_PARAMS, ...values });
  return (await engine.query(sql.sql, params)).rows as T[];
}

/** The queries of one kind of page, each returning the rows of every page ordered by the page key column. */
export interface PageFamily<Part extends string> {
  /** The page key column every query returns (hs6, iso3, …). */
  key: string;
  queries: Record<Part, string>;
}

/** One page's rows: its key and, per query of the family, its rows (none when the query has none for it). */
export interface PageRows<Part extends string> {
  key: string;
  rows: Record<Part, Row[]>;
}

/** A query's rows grouped by page key, one group at a time, checking the rows come in key order. */
async function* pageGroups(batches: AsyncIterable<Row[]>, key: string, query: string): AsyncGenerator<[string, Row[]]> {
  let current: string | undefined;
  let rows: Row[] = [];
  for await (const batch of batches) {
    for (const row of batch) {
      const k = String(row[key]);
      if (current !== undefined && k !== current) {
        if (k < current)
          throw new ReportQueryError(
            `${query} returned page key ${key}=${k} after ${current}`,
            `Order the query by ${key} first: the build reads it one page at a time.`,
          );
        yield [current, rows];
        rows = [];
      }
      current = k;
      rows.push(row);
    }
  }
  if (current !== undefined) yield [current, rows];
}

/**
 * The pages of a family, in page-key order: the family's queries are read side by side and each
 * page's rows are handed over before the next page's are read, so memory holds one page.
 */
export async function* familyPages<Part extends string>(
  engine: QueryEngine,
  family: PageFamily<Part>,
  values: Readonly<Record<string, SqlValue>> = {},
): AsyncGenerator<PageRows<Part>> {
  const parts = (Object.entries(family.queries) as [Part, string][]).map(([part, name]) => {
    const { sql, params } = reportStatement(name, { ...REPORT_PARAMS, ...values });
    return { part, groups: pageGroups(engine.stream(sql.sql, params), family.key, sql.path) };
  });
  try {
    // One query started at a time: each runs whole before its first rows come back, so their sorts never
    // hold memory side by side.
    const heads = [];
    for (const p of parts) heads.push({ ...p, next: await p.groups.next() });
    for (;;) {
      const live = heads.filter((h) => !h.next.done);
      if (live.length === 0) return;
      // The smallest key in the engines' order (byte order for the ASCII keys pages have).
      const key = live.map((h) => (h.next.value as [string, Row[]])[0]).sort()[0];
      const rows = Object.fromEntries(parts.map((p) => [p.part, [] as Row[]])) as Record<Part, Row[]>;
      for (const h of live) {
        const [k, group] = h.next.value as [string, Row[]];
        if (k !== key) continue;
        rows[h.part] = group;
        h.next = await h.groups.next();
      }
      yield { key, rows };
    }
  } finally {
    // A build that stops early (a failed page) releases every query still streaming.
    await Promise.all(parts.map((p) => p.groups.return(undefined)));
  }
}
