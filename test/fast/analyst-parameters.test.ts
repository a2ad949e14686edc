import { describe, expect, it } from 'vitest';
import { bindNamed, coerceParam, parseParamArgs, type ParamDecl } from '../../src/core/sql/parameters.ts';
import { toPositional } from '../../src/core/sql/placeholders.ts';
import { splitStatements } from '../../src/core/sql/sql-text.ts';
import { UsageError } from '../../src/core/errors.ts';

describe('toPositional', () => {
  it('rewrites :name placeholders to ? in order, repeating a name each time it is used', () => {
    const p = toPositional('SELECT * FROM t\nWHERE a = :hs AND b = :year\n  OR c = :hs');
    expect(p.sql).toBe('SELECT * FROM t\nWHERE a = ? AND b = ?\n  OR c = ?');
    expect(p.order).toEqual([
      { name: 'hs', line: 2 },
      { name: 'year', line: 2 },
      { name: 'hs', line: 3 },
    ]);
  });

  it('leaves literals, quoted identifiers, comments and :: casts alone', () => {
    const sql = `SELECT ':a', "x:b", 'it''s :c' -- :d\n/* :e */ , y::int FROM t WHERE z = :f`;
    const p = toPositional(sql);
    expect(p.order.map((o) => o.name)).toEqual(['f']);
    expect(p.sql).toBe(sql.replace(':f', '?'));
  });
});

describe('bindNamed', () => {
  const decls: ParamDecl[] = [
    { name: 'hs', type: 'string', description: 'HS6', defaultValue: '854231' },
    { name: 'year', type: 'int', description: 'Year' },
  ];

  it('binds typed values in placeholder order, defaults filling what is not given', () => {
    const b = bindNamed('SELECT 1 WHERE y = :year AND h = :hs AND y2 = :year', decls, new Map([['year', '2024']]));
    expect(b.sql).toBe('SELECT 1 WHERE y = ? AND h = ? AND y2 = ?');
    expect(b.params).toEqual([2024, '854231', 2024]);
  });

  it('keeps a value with quotes and "; drop table" as one string value, never as SQL', () => {
    const hostile = "854231'; drop table basket; --";
    const b = bindNamed('SELECT * FROM t WHERE hs6 = :hs', decls, new Map([['hs', hostile]]));
    expect(b.sql).toBe('SELECT * FROM t WHERE hs6 = ?');
    expect(b.params).toEqual([hostile]);
  });

  it('binds undeclared placeholders (ad-hoc SQL) as strings', () => {
    expect(bindNamed('SELECT :x', [], new Map([['x', '42']])).params).toEqual(['42']);
  });

  it('names the missing parameter, its line and how to pass it', () => {
    const error = (() => {
      try {
        bindNamed('SELECT 1\nWHERE y = :year', decls, new Map());
      } catch (e) {
        return e;
      }
    })() as UsageError;
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toBe('Missing value for :year (line 2)');
    expect(error.hint).toMatch(/--param year=<int> — Year/);
  });

  it('rejects a --param the query does not use, listing the placeholders', () => {
    expect(() => bindNamed('SELECT :hs', decls, new Map([['yaer', '2024']]))).toThrow(/--param yaer is not used/);
  });
});

describe('coerceParam and parseParamArgs', () => {
  it('checks the declared type', () => {
    expect(coerceParam({ name: 'y', type: 'int' }, '-12')).toBe(-12);
    expect(coerceParam({ name: 't', type: 'double' }, '0.4')).toBe(0.4);
    expect(coerceParam({ name: 'b', type: 'boolean' }, 'false')).toBe(false);
    expect(() => coerceParam({ name: 'y', type: 'int' }, '2024.5')).toThrow(/not an integer/);
    expect(() => coerceParam({ name: 'y', type: 'int' }, '1; drop table x')).toThrow(UsageError);
    expect(() => coerceParam({ name: 't', type: 'double' }, '')).toThrow(/not a number/);
    expect(() => coerceParam({ name: 'b', type: 'boolean' }, 'yes')).toThrow(/true or false/);
  });

  it('refuses a value outside the declared range, naming the range, instead of running into an empty result', () => {
    const topN = { name: 'top_n', type: 'int' as const, range: { min: 1 } };
    expect(coerceParam(topN, '3')).toBe(3);
    for (const raw of ['-1', '0', '2.5', 'ten']) {
      expect(() => coerceParam(topN, raw)).toThrow(`Parameter top_n="${raw}" is not an integer from 1 up`);
    }
    const threshold = { name: 'threshold', type: 'double' as const, range: { min: 0, max: 1 } };
    expect(coerceParam(threshold, '1')).toBe(1);
    expect(() => coerceParam(threshold, '40')).toThrow(/is not a number from 0 to 1/);
    try {
      coerceParam(topN, '-1');
    } catch (e) {
      expect((e as UsageError).hint).toBe('top_n takes an integer from 1 up, e.g. --param top_n=1.');
    }
    expect.assertions(8);
  });

  it('splits name=value at the first "=" and refuses duplicates and bare names', () => {
    expect(parseParamArgs(['hs=854231', 'q=a=b'])).toEqual(
      new Map([
        ['hs', '854231'],
        ['q', 'a=b'],
      ]),
    );
    expect(() => parseParamArgs(['hs'])).toThrow(/not name=value/);
    expect(() => parseParamArgs(['hs=1', 'hs=2'])).toThrow(/given twice/);
  });
});

describe('splitStatements', () => {
  it('splits at ; outside literals and comments and keeps the unfinished rest', () => {
    expect(splitStatements("SELECT ';'; SELECT 2 -- ;\n; SELECT\n 3")).toEqual({
      complete: ["SELECT ';'", 'SELECT 2 -- ;'],
      rest: ' SELECT\n 3',
    });
  });
});
