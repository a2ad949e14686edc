export * from './table.ts';
export * from './curated.ts';
export * from './metrics.ts';
import { curatedTables } from './curated.ts';
import { metricTables } from './metrics.ts';
import type { TableDef } from './table.ts';

export const allTables: readonly TableDef[] = [...curatedTables, ...metricTables];
export const tableByName = (name: string): TableDef | undefined => allTables.find((t) => t.name === name);
