import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { contenderArgs, timed } from './result.ts';

/**
 * DuckDB's own ingest of the same records: read_csv → COPY TO one Parquet file. Types are sniffed,
 * except the trade value, declared DOUBLE as chainwatch requires, so a record whose value is not a
 * number goes to DuckDB's rejects table (its quarantine) instead of landing as text.
 */
const { csv, out } = contenderArgs(['csv', 'out']);
const quote = (s: string): string => `'${s.replace(/'/g, "''")}'`;
await timed(async () => {
  await mkdir(dirname(resolve(out)), { recursive: true });
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  // Monthly files only (YYYY-MM.csv), the same periods chainwatch ingests.
  const files = `${resolve(csv)}/[0-9][0-9][0-9][0-9]-[0-9][0-9].csv`;
  const result = await db.run(
    `COPY (SELECT * FROM read_csv(${quote(files)}, types = {'primaryValue': 'DOUBLE'}, store_rejects = true)) TO ${quote(resolve(out))} (FORMAT parquet)`,
  );
  const rejects = await db.runAndReadAll('SELECT count(*)::DOUBLE AS n FROM reject_errors');
  const rowsRejected = (rejects.getRowObjectsJS()[0] as { n: number }).n;
  db.closeSync();
  instance.closeSync();
  return { rowsOut: Number(result.rowsChanged), rowsRejected };
});
