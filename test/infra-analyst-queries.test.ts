import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readAnalystQueries } from '../infra/analyst-queries.ts';
import { UsageError } from '../src/errors.ts';

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

  it('makes one query per .sql file, sorted, described by its leading comment', () => {
    writeFileSync(join(dir, 'top_suppliers.sql'), '-- Largest suppliers per product.\n-- Edit the year.\nSELECT 1\n-- trailing\n');
    writeFileSync(join(dir, 'a_first.sql'), 'SELECT 2');
    writeFileSync(join(dir, 'notes.md'), 'not sql');
    expect(readAnalystQueries(dir)).toEqual([
      { name: 'a_first', description: 'Analyst query from sql/analyst/a_first.sql', sql: 'SELECT 2' },
      { name: 'top_suppliers', description: 'Largest suppliers per product. Edit the year.', sql: '-- Largest suppliers per product.\n-- Edit the year.\nSELECT 1\n-- trailing' },
    ]);
  });

  it('refuses an empty file and a name Athena cannot save', () => {
    writeFileSync(join(dir, 'empty.sql'), '  \n');
    expect(() => readAnalystQueries(dir)).toThrow(UsageError);
    rmSync(join(dir, 'empty.sql'));
    writeFileSync(join(dir, 'bad name.sql'), 'SELECT 1');
    expect(() => readAnalystQueries(dir)).toThrow(/cannot save/);
  });
});
