import { allTables } from '../../data-schemas/index.ts';
import { columnsOf, tablePrefix, type Column, type TableDef } from '../../data-schemas/table.ts';
import { DUCKDB_TYPE } from '../adapters/duckdb-engine/duckdb-views.ts';
import { readTable } from '../core/lake/read-table.ts';
import type { ObjectStore } from '../core/seams/object-store.ts';

/**
 * The analysts' column reference, generated from `data-schemas/` — the same definitions the Glue
 * tables (column comments), the DuckDB views and the Parquet writers use — so the docs cannot
 * disagree with the tables. Example values, when given, are read from a lake.
 */

/** Example text per `table.column`. */
export type ExampleValues = Map<string, string>;

const MAX_EXAMPLES = 3;
const MAX_EXAMPLE_CHARS = 32;

const clip = (s: string): string => (s.length > MAX_EXAMPLE_CHARS ? `${s.slice(0, MAX_EXAMPLE_CHARS - 1)}…` : s);
const numberText = (n: number): string => (Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(4))));

/** Numbers show their range; text and flags show the most frequent values (ties by value). */
function describeValues(column: Column, values: unknown[]): string {
  const present = values.filter((v) => v !== null && v !== undefined);
  if (present.length === 0) return values.length ? 'all null' : '';
  const nulls = present.length < values.length ? ', null' : '';
  if (column.type !== 'string' && column.type !== 'boolean') {
    const nums = present.map(Number);
    const min = Math.min(...nums);
    const max = Math.max(...nums);
    return (min === max ? numberText(min) : `${numberText(min)} … ${numberText(max)}`) + nulls;
  }
  const counts = new Map<string, number>();
  for (const v of present) counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
  const top = [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, MAX_EXAMPLES);
  const more = counts.size > MAX_EXAMPLES ? ', …' : '';
  return top.map(([v]) => (v === '' ? "''" : clip(v))).join(', ') + more + nulls;
}

/** Example values of every column of every table that has data in the lake. */
export async function collectExamples(
  store: ObjectStore,
  tables: readonly TableDef[] = allTables,
): Promise<ExampleValues> {
  const examples: ExampleValues = new Map();
  for (const table of tables) {
    const rows = await readTable(store, table);
    if (rows.length === 0) continue;
    for (const column of columnsOf(table))
      examples.set(
        `${table.name}.${column.name}`,
        describeValues(
          column,
          rows.map((r) => r[column.name]),
        ),
      );
  }
  return examples;
}

/** Markdown table cells: a pipe would end the cell, a newline the row. */
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

function tableSection(table: TableDef, examples?: ExampleValues): string {
  const partitions = table.partitionKeys.length
    ? `partitioned by ${table.partitionKeys.map((k) => `\`${k}\``).join(', ')}`
    : 'not partitioned';
  const header = examples
    ? '| column | type (Glue / DuckDB) | partition key | nullable | description | example values |\n|---|---|---|---|---|---|'
    : '| column | type (Glue / DuckDB) | partition key | nullable | description |\n|---|---|---|---|---|';
  const rows = columnsOf(table).map((c) => {
    const base = [
      `\`${c.name}\``,
      `${c.type} / ${DUCKDB_TYPE[c.type]}`,
      c.partitionKey ? 'yes' : '',
      c.nullable ? 'yes' : '',
      cell(c.description),
    ];
    if (examples) base.push(cell(examples.get(`${table.name}.${c.name}`) ?? ''));
    return `| ${base.join(' | ')} |`;
  });
  return [
    `## \`${table.name}\``,
    '',
    `${table.description}`,
    '',
    `${table.zone} table, ${partitions}; files under \`${tablePrefix(table)}\` in the lake.`,
    '',
    header,
    ...rows,
  ].join('\n');
}

export function renderColumnReference(examples?: ExampleValues): string {
  const index = allTables.map((t) => `- [\`${t.name}\`](#${t.name}) — ${t.zone}: ${t.description}`);
  return [
    '# Column reference',
    '',
    '<!-- Generated from data-schemas/ by `npx tsx src/cli/write-column-reference.ts`; do not edit by hand. -->',
    '',
    'Every table of the chainwatch lake, under the same name in the Glue catalog (Athena) and as a DuckDB view',
    '(`chainwatch shell`, `chainwatch query`). Types are the Glue types, with the DuckDB view type after the slash.',
    'Partition keys are Hive folders (`year=2024/`) in the lake; filter on them to read less.',
    ...(examples
      ? ['Example values come from the bundled lake: a range for numbers, the most frequent values for text.']
      : []),
    '',
    ...index,
    '',
    ...allTables.map((t) => tableSection(t, examples) + '\n'),
  ].join('\n');
}
