import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import type { z } from 'zod';
import { columnsOf, type TableDef } from '../../../data-schemas/table.ts';
import type { Candidate } from './rows.ts';

const INDEX = '_candidate';

/**
 * Run arquero table verbs over candidate rows and keep each row tied to its origin: the rows go in
 * with their index, come out as exactly the table's columns in schema order.
 */
export function transformCandidates<Schema extends z.ZodObject>(
  table: TableDef<Schema>,
  candidates: readonly Candidate[],
  verbs: (rows: ColumnTable) => ColumnTable,
): Candidate<z.infer<Schema>>[] {
  if (candidates.length === 0) return [];
  const input = aq.from(candidates.map((c, i) => ({ ...c.row, [INDEX]: i })));
  const output = verbs(input).select([...columnsOf(table).map((c) => c.name), INDEX]);
  return output.objects().map((o) => {
    const { [INDEX]: i, ...row } = o as Record<string, unknown>;
    return { table: table.name, origin: candidates[i as number].origin, row: row as z.infer<Schema> };
  });
}

/** Derive spec that sets each named column to a constant (a source's fixed facts, e.g. reporter, flow). */
export const constantColumns = (values: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(values).map(([name, value]) => [name, aq.escape(() => value)]));
