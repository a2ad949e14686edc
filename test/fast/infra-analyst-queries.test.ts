import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readAnalystQueries } from '../../infra/analyst-queries.ts';
import { InputError, UsageError } from '../../src/core/errors.ts';
import { SAVED_QUERY_DIR } from '../../src/core/sql/saved-query.ts';

describe('analyst named queries from sql/analyst/*.sql', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'analyst-sql-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('yields nothing for a missing or empty folder', () => {
    expect(readAnalystQueries(join(dir, 'absent'))).toEqual([]);
    expect(readAnalystQueries(dir)).toEqual([]);
  });

  it('makes one query per .sql file, sorted, with :name placeholders turned into ordered ? for Athena', () => {
    writeFileSync(
      join(dir, 'top_suppliers.sql'),
      '-- title: Top suppliers\n-- description: Largest suppliers of a product.\n-- @param hs string HS6 code\n-- @param year int Year\nSELECT * FROM supplier_shares WHERE hs6 = :hs AND year = :year AND hs6 <> :hs\n',
    );
    writeFileSync(join(dir, 'a_first.sql'), '-- title: First\nSELECT 2');
    writeFileSync(join(dir, 'notes.md'), 'not sql');
    const queries = readAnalystQueries(dir);
    expect(queries.map((q) => q.name)).toEqual(['a_first', 'top_suppliers']);
    const top = queries[1];
    expect(top.sql).not.toMatch(/:hs|:year/);
    expect(top.sql).toMatch(/hs6 = \? AND year = \? AND hs6 <> \?/);
    expect(top.description).toMatch(
      /^Top suppliers\. Largest suppliers of a product\. Parameters in order: \?1=hs, \?2=year, \?3=hs\.$/,
    );
  });

  it('refuses a file without a title and a name Athena cannot save', () => {
    writeFileSync(join(dir, 'untitled.sql'), 'SELECT 1');
    expect(() => readAnalystQueries(dir)).toThrow(InputError);
    rmSync(join(dir, 'untitled.sql'));
    writeFileSync(join(dir, 'bad name.sql'), '-- title: Bad\nSELECT 1');
    expect(() => readAnalystQueries(dir)).toThrow(UsageError);
  });

  it('deploys every shipped saved query without a :name placeholder', () => {
    const shipped = readAnalystQueries(SAVED_QUERY_DIR);
    expect(shipped.length).toBeGreaterThanOrEqual(5);
    for (const q of shipped) expect(q.sql).not.toMatch(/(^|[^:]):[a-z_]+\b/);
  });
});
