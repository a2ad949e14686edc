/**
 * Every SQL file of the repository is written in the subset Athena (Trino, engine 3) and DuckDB
 * run identically: it parses with a Trino grammar, uses none of the constructs that differ, calls
 * only functions both engines have with the same meaning (a list, with the edge each one needs),
 * and runs on DuckDB over an empty lake and over a lake with data.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
// The Trino parser alone: the package index loads every dialect (20 MB) and slows the test start ten-fold.
import { TrinoSQL } from 'dt-sql-parser/dist/parser/trino/index.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { metricTables } from '../../data-schemas/metrics.ts';
import { duckdbOnlyWarnings } from '../../src/core/analyst/duckdb-only.ts';
import { runMetrics } from '../../src/core/metrics/metrics.ts';
import { toPositional } from '../../src/core/sql/placeholders.ts';
import { segmentSql } from '../../src/core/sql/sql-text.ts';
import {
  bundledMart,
  bundledMonthlyTrade,
  bundledWorldTrade,
  fixtureLake,
  martTradeRows,
  productionRows,
  referenceBasket,
  referenceCountries,
  referencePartnerGroups,
  referenceScreenFrameworks,
  type FixtureLake,
} from '../support/metrics-fixtures.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));

function sqlFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sqlFilesUnder(join(dir, e.name)) : e.name.endsWith('.sql') ? [join(dir, e.name)] : [],
  );
}

/** Each file with its analyst `:name` parameters rewritten to `?` (metric files have none). */
const files = sqlFilesUnder(join(repo, 'sql')).map((path) => {
  const { sql, order } = toPositional(readFileSync(path, 'utf8'));
  return { name: relative(repo, path), sql, params: order.length };
});

/** Constructs that either Trino or DuckDB lacks, or that give different answers (aws-notes §3). */
const BANNED: [RegExp, string][] = [
  [/::/, '"::" cast (use CAST(x AS type))'],
  [/\bQUALIFY\b/i, 'QUALIFY (filter a ranked subquery)'],
  [/\bILIKE\b/i, 'ILIKE (use lower(x) LIKE …)'],
  [/\bconcat\s*\(/i, 'concat() (NULL handling differs; use ||)'],
  [/\bdate_trunc\b/i, 'date_trunc (returns TIMESTAMP on DuckDB)'],
  [/\bdate_diff\b/i, 'date_diff (counts boundaries differently)'],
  [/\bdate_add\b/i, 'date_add (missing on DuckDB)'],
];

/**
 * Every function the SQL files call, each one Athena (Trino, engine 3) and DuckDB both have with the same
 * meaning for the arguments the files pass; where the engines part at an edge, the note says how the files
 * stay clear of it. A function not listed here fails the check below: look it up in both engines'
 * documentation first (a function that only parses is not one Athena runs the same), then add it.
 */
const PORTABLE_FUNCTIONS: Record<string, string> = {
  cast: 'CAST(x AS type) only; "::" is banned above',
  coalesce: 'the first non-NULL argument',
  nullif: 'NULL when both arguments are equal',
  abs: '',
  sqrt: '',
  power: '',
  round: 'round(x, d) of non-negative shares only (HHI to 12 places, metrics.md); halves never arise there',
  count: '',
  sum: '',
  min: '',
  max: '',
  avg: '',
  max_by: 'max_by(x, by) in both (DuckDB’s arg_max is refused by duckdb-only.ts)',
  bool_or: '',
  regr_slope: 'regr_slope(y, x): dependent variable first in both',
  lag: 'lag(x, offset) over an explicit ORDER BY',
  row_number: '',
  first_value: 'over an ORDER BY, with both engines’ default frame (RANGE UNBOUNDED PRECEDING)',
  substr: 'substr(s, start[, length]), 1-based in both',
  length: 'characters, not bytes, in both',
  strpos: '1-based position, 0 when absent, in both',
  trim: 'spaces from both ends',
  lpad: 'lpad(s, n, pad) cuts a longer string to n in both',
  regexp_extract: "no match is NULL on Trino and '' on DuckDB: every call is wrapped in NULLIF(…, '') (checked below)",
};

/** Words a `(` follows that are not calls: clauses, set operators, predicates and window or value lists. */
const NOT_CALLS = new Set([
  'as',
  'over',
  'in',
  'and',
  'or',
  'not',
  'from',
  'join',
  'exists',
  'then',
  'when',
  'else',
  'values',
  'select',
  'on',
  'using',
]);

/** The functions a statement calls: a name before `(` in code (not in strings or comments), not a keyword and not an alias's column list (`AS p (…)`). */
function functionsCalled(sql: string): string[] {
  const code = segmentSql(sql)
    .map((s) => (s.kind === 'code' ? s.text : ' '))
    .join('');
  const called = [...code.matchAll(/(\bAS\s+)?\b([a-z_][a-z0-9_]*)\s*\(/gi)]
    .filter((m) => m[1] === undefined)
    .map((m) => m[2].toLowerCase())
    .filter((name) => !NOT_CALLS.has(name));
  return [...new Set(called)].sort();
}

const codeOf = (sql: string): string =>
  segmentSql(sql)
    .filter((s) => s.kind !== 'comment')
    .map((s) => s.text)
    .join('');

test('there are SQL files, including one per metric table', () => {
  expect(
    files
      .filter((f) => f.name.startsWith('sql/metrics/'))
      .map((f) => f.name)
      .sort(),
  ).toEqual(metricTables.map((t) => `sql/metrics/${t.name}.sql`).sort());
});

describe.each(files)('$name', ({ sql }) => {
  test('parses as Trino SQL', () => {
    expect(new TrinoSQL().validate(sql)).toEqual([]);
  });

  test('uses no construct that differs between Trino and DuckDB', () => {
    const code = codeOf(sql);
    expect(BANNED.filter(([re]) => re.test(code)).map(([, what]) => what)).toEqual([]);
    expect(duckdbOnlyWarnings(sql)).toEqual([]);
  });

  test('calls only functions both engines run alike', () => {
    expect(functionsCalled(sql).filter((name) => !Object.hasOwn(PORTABLE_FUNCTIONS, name))).toEqual([]);
    const code = codeOf(sql);
    const calls = (re: RegExp) => code.match(re)?.length ?? 0;
    expect(calls(/\bNULLIF\s*\(\s*regexp_extract\s*\(/gi)).toBe(calls(/\bregexp_extract\s*\(/gi));
  });

  test('has no trailing semicolon, so engines can wrap it in COPY, UNLOAD or CTAS', () => {
    expect(codeOf(sql).trim().endsWith(';')).toBe(false);
  });
});

test('lists only functions a SQL file calls, so the list says what the files need', () => {
  const called = new Set(files.flatMap((f) => functionsCalled(f.sql)));
  expect(Object.keys(PORTABLE_FUNCTIONS).filter((name) => !called.has(name))).toEqual([]);
});

test('finds the calls in a statement, not its keywords, aliases, strings or comments', () => {
  const sql = `-- upper(x) in a comment
    WITH t AS (SELECT CAST(a AS INTEGER) AS a, 'lower(b)' AS s FROM (VALUES (1)) AS p (a))
    SELECT COALESCE(max_by(a, s), 0), ROW_NUMBER() OVER (ORDER BY a) FROM t WHERE a IN (1) AND EXISTS (SELECT 1)`;
  expect(functionsCalled(sql)).toEqual(['cast', 'coalesce', 'max_by', 'row_number']);
});

describe.each([
  ['an empty lake', false],
  ['a lake with the bundled trade mart and monthly series, world trade, reference tables and production rows', true],
])('every file runs on DuckDB over %s', (_label, withData) => {
  let lake: FixtureLake;
  beforeAll(async () => {
    if (!withData) {
      lake = await fixtureLake();
    } else {
      const ref = await referenceCountries();
      const basket = await referenceBasket();
      lake = await fixtureLake({
        countries: ref,
        partnerGroups: await referencePartnerGroups(),
        basket,
        screenFrameworks: await referenceScreenFrameworks(),
        worldTrade: await bundledWorldTrade(ref),
        trade: [...martTradeRows(ref, await bundledMart()), ...(await bundledMonthlyTrade(ref, basket))],
        production: productionRows(
          { measure: 'mine_production', unit: 't', sector: 'rare_earths' },
          {
            CHN: { 2020: 140, 2021: 168, 2022: 210 },
            USA: { 2020: 39, 2021: 43, 2022: 43 },
            OTH: { 2020: 61, 2021: 79, 2022: 47 },
          },
        ),
      });
    }
    // metric files run through materialize here; analyst files read the tables they write
    await runMetrics({ engine: lake.engine });
  });
  afterAll(() => lake.close());

  test.each(files)('$name', async ({ sql, params }) => {
    // NULL for each parameter: the statement must bind and run; the rows are not the point here.
    const result = await lake.engine.query(sql, Array(params).fill(null));
    expect(result.columns.length).toBeGreaterThan(0);
  });
});
