import { z } from 'zod';

/**
 * One table of the lake, described once. From this definition come the TypeScript row type
 * (`z.infer`), row validation, the Parquet column types, the DuckDB views, the Glue columns
 * (infra) and the column reference in the README.
 */
export interface TableDef<Schema extends z.ZodObject = z.ZodObject> {
  name: string;
  description: string;
  /** `curated` tables are landed by ingest; `metrics` tables are computed by SQL. */
  zone: 'curated' | 'metrics';
  schema: Schema;
  /** Hive partition keys, outermost first. They are folders in the key, not columns in the file. */
  partitionKeys: readonly string[];
}

export type ColumnType = 'string' | 'int' | 'bigint' | 'double' | 'boolean';

export interface Column {
  name: string;
  type: ColumnType;
  nullable: boolean;
  description: string;
  partitionKey: boolean;
}

/** Column builders: the only way schemas declare columns, so every column has a type we can map and a description. */
export const col = {
  string: (description: string) => z.string().describe(description),
  int: (description: string) => z.int().describe(description),
  bigint: (description: string) => z.int().describe(description).meta({ sqlType: 'bigint' }),
  double: (description: string) => z.number().describe(description),
  boolean: (description: string) => z.boolean().describe(description),
};

/** A table definition whose partition keys are checked against its columns (at compile time and here). */
export const defineTable = <Schema extends z.ZodObject, Key extends keyof Schema['shape'] & string>(
  def: TableDef<Schema> & { partitionKeys: readonly Key[] },
): TableDef<Schema> => {
  for (const [name, type] of Object.entries(def.schema.shape)) {
    if (!(type as z.ZodType).description) throw new Error(`Column ${def.name}.${name} has no description`);
  }
  return def;
};

function columnType(schema: z.ZodType): ColumnType {
  const def = (schema as unknown as { def: { type: string; format?: string; innerType?: z.ZodType } }).def;
  if (def.type === 'nullable' || def.type === 'optional') return columnType(def.innerType!);
  if (def.type === 'string' || def.type === 'enum') return 'string';
  if (def.type === 'boolean') return 'boolean';
  if (def.type === 'number') {
    if (def.format !== 'safeint') return 'double';
    return (schema.meta() as { sqlType?: string } | undefined)?.sqlType === 'bigint' ? 'bigint' : 'int';
  }
  throw new Error(`Unsupported column schema type "${def.type}"`);
}

// Deriving columns probes every zod schema (safeParse(null) builds an error object per column);
// writePartitions asks for the partition columns once per row, so derive once per table.
const columnCache = new WeakMap<TableDef, Column[]>();

export function columnsOf(table: TableDef): Column[] {
  let columns = columnCache.get(table);
  if (!columns) {
    columns = deriveColumns(table);
    columnCache.set(table, columns);
  }
  return columns;
}

function deriveColumns(table: TableDef): Column[] {
  return Object.entries(table.schema.shape).map(([name, schema]) => {
    const s = schema as z.ZodType;
    return {
      name,
      type: columnType(s),
      nullable: s.safeParse(null).success,
      description: s.description ?? '',
      partitionKey: table.partitionKeys.includes(name),
    };
  });
}

/** Columns stored inside the Parquet files (partition keys live in the folder names). */
export const fileColumnsOf = (table: TableDef): Column[] => columnsOf(table).filter((c) => !c.partitionKey);
export const partitionColumnsOf = (table: TableDef): Column[] =>
  table.partitionKeys.map((k) => columnsOf(table).find((c) => c.name === k)!);

export { tablePrefix } from './table-names.ts';
