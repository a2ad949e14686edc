import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TrinoSQL } from 'dt-sql-parser/dist/parser/trino/index.js';
import { describe, expect, it, vi } from 'vitest';
import { checkTrinoPortability, mayNeedGrammar } from '../../src/core/analyst/portability.ts';
import { projectPath } from '../../src/core/project-root.ts';
import { toPositional } from '../../src/core/sql/placeholders.ts';
import { describeParam, loadSavedQueries, namedQueryOf, parseSavedQuery } from '../../src/core/sql/saved-query.ts';
import { DuckDBInstance } from '@duckdb/node-api';
import {
  duckdbOnlyWarnings,
  FUNCTION_REWRITES,
  formatPortabilityWarning,
  LIST_FUNCTION_REWRITES,
} from '../../src/core/analyst/duckdb-only.ts';
import { InputError } from '../../src/core/errors.ts';

/** The SQL files of a repository folder, as text. */
async function sqlFilesIn(folder: string): Promise<string[]> {
  const dir = projectPath(...folder.split('/'));
  const names = (await readdir(dir)).filter((f) => f.endsWith('.sql'));
  return Promise.all(names.map((f) => readFile(join(dir, f), 'utf8')));
}

const HEADER = `-- title: Example
-- description: First line
--   continues here.
-- @param hs string = 854231 HS6 code
--   of the product
-- @param year int Reference year
SELECT * FROM supplier_shares WHERE hs6 = :hs AND year = :year AND rank <= 3
`;

describe('parseSavedQuery', () => {
  it('reads title, description, typed parameters with defaults and continuation lines', () => {
    const q = parseSavedQuery('sql/analyst/example.sql', HEADER);
    expect(q.name).toBe('example');
    expect(q.title).toBe('Example');
    expect(q.description).toBe('First line continues here.');
    expect(q.params).toEqual([
      { name: 'hs', type: 'string', description: 'HS6 code of the product', defaultValue: '854231' },
      { name: 'year', type: 'int', description: 'Reference year' },
    ]);
  });

  it('refuses headers that do not match the body', () => {
    expect(() => parseSavedQuery('x.sql', 'SELECT 1')).toThrow(/no "-- title:"/);
    expect(() => parseSavedQuery('x.sql', '-- title: t\n-- @param y date Year\nSELECT :y')).toThrow(
      /unknown type "date"/,
    );
    expect(() => parseSavedQuery('x.sql', '-- title: t\n-- @param y int Year\nSELECT 1')).toThrow(/never uses :y/);
    expect(() => parseSavedQuery('x.sql', '-- title: t\nSELECT :y')).toThrow(InputError);
    expect(() => parseSavedQuery('x.sql', '-- title: t\n-- @param n string[1..] N\nSELECT :n')).toThrow(
      /not a range of an int or double/,
    );
    expect(() => parseSavedQuery('x.sql', '-- title: t\n-- @param n int[1..5] = 9 N\nSELECT :n')).toThrow(
      /the default of n: Parameter n="9" is not an integer from 1 to 5/,
    );
  });

  it('reads a range after the type and refuses values outside it when binding', () => {
    const q = parseSavedQuery('x.sql', '-- title: t\n-- @param top_n int[1..] = 10 How many\nSELECT :top_n');
    expect(q.params).toEqual([
      { name: 'top_n', type: 'int', description: 'How many', defaultValue: '10', range: { min: 1 } },
    ]);
    expect(describeParam(q.params[0])).toBe('top_n int[1..] = 10  How many');
  });

  it('makes an Athena named query with ? placeholders and the parameter order in the description', () => {
    const named = namedQueryOf(parseSavedQuery('example.sql', HEADER));
    expect(named.queryString).toContain('WHERE hs6 = ? AND year = ? AND rank <= 3');
    expect(named.queryString).not.toMatch(/:hs|:year/);
    expect(named.description).toBe('Example. First line continues here. Parameters in order: ?1=hs, ?2=year.');
  });
});

describe('the saved queries in sql/analyst/', () => {
  it('cover the five questions of the analyst guide, each documented and fully defaulted', async () => {
    const queries = await loadSavedQueries();
    expect(queries.map((q) => q.name)).toEqual([
      'ally_coverage',
      'china_share_trend',
      'concentrated_products',
      'dependency_screen',
      'mirror_gaps_by_partner',
      'screen_by_framework',
      'top_suppliers',
    ]);
    for (const q of queries) {
      expect(q.description.length, q.name).toBeGreaterThan(40);
      for (const p of q.params) {
        expect(p.defaultValue, `${q.name} :${p.name}`).toBeDefined();
        expect(p.description, `${q.name} :${p.name}`).not.toBe('');
      }
    }
  });

  it('are written in SQL that Athena (Trino) parses', async () => {
    for (const q of await loadSavedQueries())
      expect((await checkTrinoPortability(q.sql)).map(formatPortabilityWarning), q.name).toEqual([]);
  });

  it('say in the dependency screen which EU criterion is omitted and that exports may be unknown', async () => {
    const screen = (await loadSavedQueries()).find((q) => q.name === 'dependency_screen')!;
    expect(screen.title).toMatch(/GeoDep-style/);
    expect(screen.description).toMatch(/second\s+criterion .* OMITTED/);
    expect(screen.description).toMatch(/c3 is NULL \(unknown\)/);
  });
});

describe('checkTrinoPortability', () => {
  it('warns, with the line, about constructs only DuckDB runs', async () => {
    const warnings = await checkTrinoPortability("SELECT hs6\nFROM basket\nWHERE label ILIKE '%ic%'");
    expect(warnings).toEqual([
      { line: 3, message: 'ILIKE is DuckDB-only; on Athena write lower(x) LIKE lower(pattern)' },
    ]);
    // What the token scan does not know, the Trino grammar still catches.
    expect((await checkTrinoPortability('SELECT [1, 2] AS xs FROM basket'))[0].message).toMatch(/Trino cannot parse/);
  });

  it("says what Trino refuses in its warnings only: nothing of the grammar's own reaches the terminal", async () => {
    // dt-sql-parser words a message with a second parse of the statement's tail, which kept ANTLR's console listener.
    const printed: unknown[] = [];
    const spies = (['error', 'warn', 'log'] as const).map((level) =>
      vi.spyOn(console, level).mockImplementation((...line: unknown[]) => void printed.push(line)),
    );
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => printed.push(chunk) > 0);
    try {
      const warnings = await checkTrinoPortability("COPY (SELECT 1 AS x) TO '/tmp/x.parquet' (FORMAT parquet)");
      expect(warnings.map((w) => w.message)).toEqual([
        "Trino cannot parse this: 'COPY' is not valid at this position, expecting a keyword",
        "Trino cannot parse this: 'TO' is not valid at this position",
        "Trino cannot parse this: 'FORMAT' is not valid at this position",
      ]);
      // A lexer error too (a character Trino has no token for).
      expect((await checkTrinoPortability('SELECT $x FROM basket')).length).toBeGreaterThan(0);
    } finally {
      for (const spy of [...spies, stderr]) spy.mockRestore();
    }
    expect(printed).toEqual([]);
  });

  it('names DuckDB-only functions and what to use on Athena', async () => {
    const [w] = await checkTrinoPortability("SELECT 1\nFROM basket WHERE regexp_matches(label, 'IC')");
    expect(formatPortabilityWarning(w)).toBe(
      'line 2: regexp_matches() is DuckDB-only; on Athena use regexp_like(text, pattern)',
    );
  });

  it('accepts portable SQL with :name placeholders and ignores function names in literals', async () => {
    expect(
      await checkTrinoPortability(
        "SELECT 'strftime(' AS s, CAST(x AS DOUBLE) / 2 FROM t WHERE y = :year ORDER BY 1 OFFSET 2 LIMIT 3",
      ),
    ).toEqual([]);
  });

  // The grammar loads only for a statement the scan cannot clear; the scan must never clear one the grammar refuses.
  const DUCKDB_DIALECT = [
    'SELECT year::VARCHAR FROM basket',
    "SELECT hs6 FROM basket WHERE label ILIKE '%ic%'",
    'SELECT * FROM concentration QUALIFY rank() OVER (ORDER BY hhi) = 1',
    'SELECT * EXCLUDE (label) FROM basket',
    'SELECT * REPLACE (1 AS hs6) FROM basket',
    'FROM basket SELECT hs6',
    'FROM basket',
    'SELECT hs6, count(*) FROM basket GROUP BY ALL',
    'SELECT hs6, FROM basket',
    'SELECT hs6 FROM basket LIMIT 10 OFFSET 5',
    'SELECT hs6 FROM basket USING SAMPLE 10',
    'SELECT DISTINCT ON (sector) hs6 FROM basket',
    'SELECT hs6 FROM basket UNION BY NAME SELECT hs6 FROM basket',
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM basket, read_csv('/etc/passwd')",
    "SELECT * FROM 'lake/curated/basket/part-00000.parquet'",
    "SELECT * FROM glob('/etc/*')",
    "SELECT 1 AS 'one'",
    'SELECT [1, 2, 3]',
    "SELECT {'a': 1}",
    'SELECT $1',
    "SELECT label->>'$.x' FROM basket",
    'SELECT 2 ** 3',
    'SELECT 7 // 2',
    "SELECT DATE '2024-01-01' + INTERVAL 3 DAY",
    'SELECT hs6 FROM basket a ASOF JOIN basket b ON a.hs6 >= b.hs6',
    'SELECT hs6 FROM basket a ANTI JOIN basket b USING (hs6)',
    'SELECT hs6 FROM basket a POSITIONAL JOIN basket b',
    'PIVOT basket ON sector USING count(*)',
    'SUMMARIZE basket',
    'SET threads = 1',
    "COPY basket TO 'x.csv'",
    'SELECT #1 FROM basket',
    'SELECT hs6 FROM basket LIMIT 10%',
  ];

  it('loads the Trino grammar for every DuckDB-only construct, and Trino refuses each', async () => {
    for (const sql of DUCKDB_DIALECT) {
      expect(mayNeedGrammar(sql), sql).toBe(true);
      expect((await checkTrinoPortability(sql)).length, sql).toBeGreaterThan(0);
    }
  });

  it('clears plain queries without the grammar, and the grammar agrees with every one it clears', async () => {
    const plain = [
      'select 1',
      'SELECT 1;',
      "SELECT hs6, label FROM basket WHERE sector = 'rare_earths' AND hs6 <> '280530' ORDER BY hs6 LIMIT 10",
      'SELECT b.hs6, count(*) AS n FROM basket b JOIN concentration c ON c.hs6 = b.hs6 GROUP BY b.hs6 HAVING count(*) > 1',
      'WITH x AS (SELECT hs6 FROM basket) SELECT * FROM x UNION ALL SELECT hs6 FROM basket',
      "SELECT CAST(year AS VARCHAR) || '-' FROM concentration WHERE year != 2020 -- a comment: [x]",
      'SELECT rank() OVER (PARTITION BY hs6 ORDER BY hhi DESC) FROM concentration WHERE year = ?',
    ];
    for (const sql of plain) expect(mayNeedGrammar(sql), sql).toBe(false);
    // Every SQL file of the repository the scan clears, the grammar clears too.
    const files = (await Promise.all(['sql/metrics', 'sql/report', 'sql/analyst'].map(sqlFilesIn))).flat();
    expect(files.length).toBeGreaterThan(20);
    const grammar = new TrinoSQL();
    for (const sql of [...plain, ...files])
      if (!mayNeedGrammar(toPositional(sql).sql)) expect(grammar.validate(toPositional(sql).sql), sql).toEqual([]);
  });
});

describe('duckdbOnlyWarnings: each DuckDB-only construct with its Athena rewrite, without the grammar', () => {
  const only = (sql: string) => duckdbOnlyWarnings(sql).map((w) => w.message);

  it.each([
    ['SELECT arg_max(partner_iso3, value_usd) FROM t', 'arg_max() is DuckDB-only; on Athena use max_by(x, by)'],
    ['SELECT arg_min(partner_iso3, value_usd) FROM t', 'arg_min() is DuckDB-only; on Athena use min_by(x, by)'],
    ['SELECT year::VARCHAR FROM t', 'year::VARCHAR is DuckDB-only; on Athena write CAST(year AS VARCHAR)'],
    ["SELECT '2024-01-01'::date FROM t", 'x::date is DuckDB-only; on Athena write CAST(x AS DATE)'],
    [
      'SELECT t.v::DECIMAL(18, 2) FROM t',
      't.v::DECIMAL(18, 2) is DuckDB-only; on Athena write CAST(t.v AS DECIMAL(18, 2))',
    ],
    [
      'SELECT * FROM t QUALIFY row_number() OVER (PARTITION BY hs6 ORDER BY v DESC) = 1',
      'QUALIFY is DuckDB-only; on Athena filter in a subquery: SELECT * FROM (SELECT …, ROW_NUMBER() OVER (PARTITION BY … ORDER BY …) AS rn FROM …) WHERE rn = 1',
    ],
    [
      "SELECT * FROM t WHERE x NOT ILIKE 'a%'",
      'NOT ILIKE is DuckDB-only; on Athena write lower(x) NOT LIKE lower(pattern)',
    ],
    [
      "SELECT string_agg(partner_iso3, ',') FROM t",
      'string_agg() is DuckDB-only; on Athena use array_join(array_agg(x), sep), or listagg(x, sep) WITHIN GROUP (ORDER BY x)',
    ],
    ['SELECT list(hs6) FROM t', 'list() is DuckDB-only; on Athena use array_agg(x)'],
    ['SELECT list_contains(xs, 1) FROM t', 'list_contains() is DuckDB-only; on Athena use contains(array, x)'],
    [
      'SELECT list_zip(xs, ys) FROM t',
      'list_zip() is DuckDB-only; on Athena use the Trino array function (element_at, contains, cardinality, array_*, transform, filter)',
    ],
    ['SELECT median(v) FROM t', 'median() is DuckDB-only; on Athena use approx_percentile(x, 0.5)'],
    ['SELECT ifnull(v, 0) FROM t', 'ifnull() is DuckDB-only; on Athena use coalesce(x, y)'],
    ['SELECT array_length(xs) FROM t', 'array_length() is DuckDB-only; on Athena use cardinality(array)'],
    [
      "SELECT strftime(d, '%Y') FROM t",
      "strftime() is DuckDB-only; on Athena use date_format(x, '%Y-%m-%d') (MySQL-style patterns)",
    ],
    ['SELECT * FROM generate_series(1, 3)', 'generate_series() is DuckDB-only; on Athena use sequence(start, stop)'],
    [
      "SELECT * FROM read_parquet('x.parquet')",
      'read_parquet() is DuckDB-only; on Athena use the lake table by its name',
    ],
    [
      'SELECT hs6, count(*) FROM t GROUP BY ALL',
      'GROUP BY ALL is DuckDB-only; on Athena list the columns (or their positions: GROUP BY 1, 2)',
    ],
    [
      'SELECT hs6, count(*) FROM t GROUP BY ALL ORDER BY ALL',
      'GROUP BY ALL is DuckDB-only; on Athena list the columns (or their positions: GROUP BY 1, 2)',
      'ORDER BY ALL is DuckDB-only; on Athena list the columns (or their positions: ORDER BY 1, 2)',
    ],
    ['SELECT * EXCLUDE (note) FROM t', 'SELECT * EXCLUDE (…) is DuckDB-only; on Athena list the columns you want'],
    ['SELECT * FROM t WHERE hs6 = $hs', '$hs is a DuckDB parameter; write :hs and pass --param'],
    ['FROM basket', 'a query starting with FROM is DuckDB-only; on Athena write SELECT … FROM …'],
  ])('%s', (sql, ...messages) => {
    expect(only(sql)).toEqual(messages);
  });

  const table = Object.entries({ ...FUNCTION_REWRITES, ...LIST_FUNCTION_REWRITES });

  it('names every function of the table with its rewrite, and no rewrite is itself DuckDB-only', () => {
    for (const [name, rewrite] of table) {
      expect(only(`SELECT ${name.toUpperCase()}(x) FROM t`), name).toEqual([
        `${name.toUpperCase()}() is DuckDB-only; on Athena use ${rewrite}`,
      ]);
      expect(only(`SELECT ${rewrite}`), `${name} → ${rewrite}`).toEqual([]);
    }
  });

  it('lists only functions DuckDB has (a misspelt name would never match a query)', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      const reader = await connection.runAndReadAll(
        'SELECT DISTINCT lower(function_name) AS name FROM duckdb_functions()',
      );
      const known = new Set(reader.getRowObjects().map((r) => String(r.name)));
      // ifnull is rewritten by DuckDB's parser, so the catalog does not list it: it must still run.
      expect((await connection.runAndReadAll('SELECT ifnull(NULL, 2) AS v')).getRowObjects()).toEqual([{ v: 2 }]);
      expect(table.map(([name]) => name).filter((name) => !known.has(name) && name !== 'ifnull')).toEqual([]);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });

  it("leaves Trino's own GROUP BY ALL <columns> alone", () => {
    expect(only('SELECT hs6, year, count(*) FROM t GROUP BY ALL hs6, year')).toEqual([]);
  });

  it('gives the line, and never reads literals, comments, columns or qualified names as DuckDB-only', () => {
    expect(duckdbOnlyWarnings('SELECT 1\nFROM t\nWHERE a::INT = 1')).toEqual([
      { line: 3, message: 'a::INT is DuckDB-only; on Athena write CAST(a AS INT)' },
    ]);
    expect(
      only(
        'SELECT \'arg_max(\', "list(" AS first, range, t.first(x) -- median(v) ILIKE\nFROM t WHERE y = :year ORDER BY 1 NULLS FIRST',
      ),
    ).toEqual([]);
  });
});
