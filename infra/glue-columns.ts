import * as glue from 'aws-cdk-lib/aws-glue';
import { UsageError } from '../src/core/errors.ts';
import {
  fileColumnsOf,
  partitionColumnsOf,
  tablePrefix,
  type Column,
  type ColumnType,
  type TableDef,
} from '../data-schemas/index.ts';

/**
 * The one mapping from the zod table schemas to Glue: columns, types, comments, partition keys,
 * the partition-location template and the projection of each partition key. Nothing here names
 * a column; everything is read from `data-schemas/`.
 */

/** Glue/Hive types of the schema column types; they match the Parquet types the lake writes (INT32, INT64, …). */
const GLUE_TYPE: Record<ColumnType, glue.Type> = {
  string: glue.Schema.STRING,
  int: glue.Schema.INTEGER,
  bigint: glue.Schema.BIG_INT,
  double: glue.Schema.DOUBLE,
  boolean: glue.Schema.BOOLEAN,
};

/** Glue rejects column comments longer than this. */
const MAX_COMMENT = 255;

function glueColumn(table: TableDef, column: Column): glue.Column {
  if (column.description.length > MAX_COMMENT) {
    throw new UsageError(
      `Column ${table.name}.${column.name} has a ${column.description.length}-character description; Glue allows ${MAX_COMMENT}.`,
      'Shorten the column description in data-schemas/.',
    );
  }
  return { name: column.name, type: GLUE_TYPE[column.type], comment: column.description };
}

/** Columns stored in the Parquet files (partition keys excluded, as Glue requires). */
export const glueColumnsOf = (table: TableDef): glue.Column[] => fileColumnsOf(table).map((c) => glueColumn(table, c));

/** Partition keys, outermost first; empty for unpartitioned tables. */
export const gluePartitionKeysOf = (table: TableDef): glue.Column[] =>
  partitionColumnsOf(table).map((c) => glueColumn(table, c));

/**
 * Athena `storage.location.template`: the table prefix followed by one Hive `k=${k}/` folder per
 * partition key, which is exactly the key `writePartitions` produces (`source=bundled/year=2024/month=0/`).
 */
export const locationTemplate = (bucketName: string, table: TableDef): string =>
  `s3://${bucketName}/${tablePrefix(table)}` +
  partitionColumnsOf(table)
    .map((c) => `${c.name}=\${${c.name}}/`)
    .join('');

/**
 * Pick the projection of each partition key of `table` from `rules` (keyed by table, then
 * column). Every partition key must have a rule and every rule must name a partition key, so a
 * schema change that adds or renames a partition key fails synthesis instead of silently
 * producing a table Athena cannot read.
 */
export function partitionProjectionOf(
  table: TableDef,
  rules: Record<string, Record<string, glue.PartitionProjectionConfiguration>>,
): glue.PartitionProjection | undefined {
  const keys = partitionColumnsOf(table).map((c) => c.name);
  const tableRules = rules[table.name] ?? {};
  const missing = keys.filter((k) => !(k in tableRules));
  const extra = Object.keys(tableRules).filter((k) => !keys.includes(k));
  if (missing.length || extra.length) {
    throw new UsageError(
      `Partition projection of ${table.name} does not match its partition keys [${keys.join(', ')}]` +
        (missing.length ? `; missing: ${missing.join(', ')}` : '') +
        (extra.length ? `; not partition keys: ${extra.join(', ')}` : '') +
        '.',
      'Give every partition key of the table exactly one projection rule in infra/stacks/catalog.ts.',
    );
  }
  return keys.length ? Object.fromEntries(keys.map((k) => [k, tableRules[k]])) : undefined;
}
