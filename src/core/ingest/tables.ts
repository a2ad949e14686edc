import type { z } from 'zod';
import type { TableDef } from '../../../data-schemas/table.ts';

/**
 * A specific table as the generic TableDef the lake helpers take. zod object types are invariant in
 * their shape, so `TableDef<{…}>` does not widen to `TableDef` on its own; the definition is the same object.
 */
export const tableDef = <Shape extends z.ZodRawShape>(table: TableDef<Shape>): TableDef => table as unknown as TableDef;
