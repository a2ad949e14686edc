import { parquetWriteBuffer } from 'hyparquet-writer';
import type { QueryResult, SqlValue } from '../seams/query-engine.ts';

/** A Parquet schema element, as the writer's own copy of hyparquet types it. */
type SchemaElement = NonNullable<Parameters<typeof parquetWriteBuffer>[0]['schema']>[number];

/** A Parquet column: its schema element and how a result value becomes the value the writer takes. */
interface ParquetColumn {
  element: Omit<SchemaElement, 'name' | 'repetition_type'>;
  convert: (v: Exclude<SqlValue, null>) => unknown;
}

const MICROS_PER_MS = 1000n;

/** `2024-01-01 10:00:00.123456` (DuckDB and Athena text of a TIMESTAMP) → microseconds since 1970, UTC. */
function timestampMicros(text: string): bigint {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?/.exec(text);
  if (!m) throw new Error(`not a timestamp: ${text}`);
  const ms = Date.parse(`${m[1]}T${m[2]}Z`);
  return BigInt(ms) * MICROS_PER_MS + BigInt((m[3] ?? '').padEnd(6, '0'));
}

const asString = (v: Exclude<SqlValue, null>) => String(v);

/** Parquet column for an engine type name (DuckDB upper case, Athena lower case). */
function parquetColumnOf(engineType: string): ParquetColumn {
  const t = engineType.toLowerCase();
  if (t === 'boolean') return { element: { type: 'BOOLEAN' }, convert: (v) => v };
  if (['integer', 'int', 'smallint', 'tinyint', 'usmallint', 'utinyint'].includes(t))
    return { element: { type: 'INT32' }, convert: (v) => v };
  if (['bigint', 'hugeint', 'ubigint', 'uinteger'].includes(t))
    return { element: { type: 'INT64' }, convert: (v) => BigInt(v as number | string) };
  if (['double', 'float', 'real'].includes(t)) return { element: { type: 'DOUBLE' }, convert: (v) => v };
  const decimal = /^decimal\((\d+),\s*(\d+)\)$/.exec(t);
  if (decimal && Number(decimal[1]) <= 18) {
    const [precision, scale] = [Number(decimal[1]), Number(decimal[2])];
    return {
      element: { type: precision <= 9 ? 'INT32' : 'INT64', converted_type: 'DECIMAL', precision, scale },
      convert: (v) => Number(v),
    };
  }
  // A wider decimal, or one whose scale the engine does not say, keeps its value as a double.
  if (t.startsWith('decimal')) return { element: { type: 'DOUBLE' }, convert: (v) => Number(v) };
  if (t === 'date')
    return { element: { type: 'INT32', converted_type: 'DATE' }, convert: (v) => new Date(`${String(v)}T00:00:00Z`) };
  if (t === 'timestamp' || t === 'timestamp_ns' || t === 'timestamp_ms' || t === 'timestamp_s')
    return {
      // A wall-clock time (DuckDB TIMESTAMP, Trino timestamp), not an instant: not adjusted to UTC.
      element: { type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: false, unit: 'MICROS' } },
      convert: (v) => timestampMicros(String(v)),
    };
  return { element: { type: 'BYTE_ARRAY', converted_type: 'UTF8' }, convert: asString };
}

/**
 * A Parquet file of the result; `metadata` goes into the file's key-value metadata (the SQL, its
 * parameters, the release it read), so a file found later says where it came from.
 */
export function formatParquet(result: QueryResult, metadata: Record<string, string> = {}): Uint8Array {
  const columns = result.columns.map((c) => ({ name: c.name, ...parquetColumnOf(c.type) }));
  const schema: SchemaElement[] = [
    { name: 'root', num_children: columns.length },
    ...columns.map((c) => ({ name: c.name, repetition_type: 'OPTIONAL' as const, ...c.element })),
  ];
  const columnData = columns.map((c) => ({
    name: c.name,
    data: result.rows.map((r) => {
      const v = r[c.name] ?? null;
      return v === null ? null : c.convert(v);
    }),
  }));
  const kvMetadata = Object.entries(metadata).map(([key, value]) => ({ key, value }));
  return new Uint8Array(parquetWriteBuffer({ columnData, schema, kvMetadata }));
}
