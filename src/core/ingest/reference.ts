import { columnsOf, type Column, type TableDef } from '../../../data-schemas/table.ts';
import { originsOf, requireColumns, type CsvFile } from './csv.ts';
import { normalizeRows, parseDecimal, RowProblem, type Normalized } from './rows.ts';

const BOOLEAN_TEXT: Record<string, boolean> = { true: true, false: false, t: true, f: false };

/** One CSV cell typed by its schema column; an empty cell is null where the column allows it. */
function typedCell(text: string | undefined, column: Column): unknown {
  const t = (text ?? '').trim();
  if (t === '') {
    if (column.nullable) return null;
    throw new RowProblem(`required field ${column.name} is empty`);
  }
  switch (column.type) {
    case 'string':
      return t;
    case 'boolean':
      if (!(t.toLowerCase() in BOOLEAN_TEXT)) throw new RowProblem(`${column.name} "${t}" is not true/false`);
      return BOOLEAN_TEXT[t.toLowerCase()];
    case 'int':
    case 'bigint': {
      const n = parseDecimal(t, column.name);
      if (!Number.isInteger(n)) throw new RowProblem(`${column.name} "${t}" is not a whole number`);
      return n;
    }
    case 'double':
      return parseDecimal(t, column.name);
  }
}

/**
 * A reference CSV whose header is the table's own column list (countries, partner_groups, basket,
 * sources.csv): the columns come from the schema, so nothing here names them twice. Columns the
 * ingest sets itself (`fixed`, e.g. the `source` partition of sources.csv) are not in the file.
 */
export function referenceRows(csv: CsvFile, table: TableDef, fixed: Record<string, unknown> = {}): Normalized {
  const columns = columnsOf(table).filter((c) => !(c.name in fixed));
  requireColumns(
    csv,
    columns.map((c) => c.name),
  );
  return normalizeRows(table.name, originsOf(csv), ({ raw }) => ({
    ...fixed,
    ...Object.fromEntries(columns.map((c) => [c.name, typedCell(raw[c.name], c)])),
  }));
}
