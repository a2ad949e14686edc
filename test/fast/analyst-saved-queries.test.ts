import { describe, expect, it } from 'vitest';
import { checkTrinoPortability, formatPortabilityWarning } from '../../src/core/analyst/portability.ts';
import { loadSavedQueries, namedQueryOf, parseSavedQuery } from '../../src/core/sql/saved-query.ts';
import { InputError } from '../../src/core/errors.ts';

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
      expect(checkTrinoPortability(q.sql).map(formatPortabilityWarning), q.name).toEqual([]);
  });

  it('say in the dependency screen which EU criterion is omitted and that exports may be unknown', async () => {
    const screen = (await loadSavedQueries()).find((q) => q.name === 'dependency_screen')!;
    expect(screen.title).toMatch(/GeoDep-style/);
    expect(screen.description).toMatch(/second\s+criterion .* OMITTED/);
    expect(screen.description).toMatch(/c3 is NULL \(unknown\)/);
  });
});

describe('checkTrinoPortability', () => {
  it('warns, with the line, about constructs only DuckDB runs', () => {
    const warnings = checkTrinoPortability("SELECT hs6\nFROM basket\nWHERE label ILIKE '%ic%'");
    expect(warnings).toHaveLength(1);
    expect(warnings[0].line).toBe(3);
    expect(checkTrinoPortability('SELECT year::VARCHAR FROM basket')[0].message).toMatch(/Trino cannot parse/);
    expect(
      checkTrinoPortability('SELECT * FROM concentration QUALIFY rank() OVER (ORDER BY hhi) = 1').length,
    ).toBeGreaterThan(0);
  });

  it('names DuckDB-only functions and what to use on Athena', () => {
    const [w] = checkTrinoPortability("SELECT 1\nFROM basket WHERE regexp_matches(label, 'IC')");
    expect(formatPortabilityWarning(w)).toBe('line 2: regexp_matches() is DuckDB-only; on Athena use regexp_like');
  });

  it('accepts portable SQL with :name placeholders and ignores function names in literals', () => {
    expect(
      checkTrinoPortability(
        "SELECT 'strftime(' AS s, CAST(x AS DOUBLE) / 2 FROM t WHERE y = :year ORDER BY 1 OFFSET 2 LIMIT 3",
      ),
    ).toEqual([]);
  });
});
