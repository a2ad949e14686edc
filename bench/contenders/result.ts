import { parseArgs } from 'node:util';

/**
 * The contract every contender process keeps with bench/run.ts: it is started with `--flag value`
 * options, does its work, and prints one JSON line last: the seconds of the work itself (after
 * imports, so interpreter start-up is no one's handicap) plus anything worth reporting.
 */
export interface ContenderResult {
  seconds: number;
  [detail: string]: unknown;
}

export function contenderArgs(names: readonly string[]): Record<string, string> {
  const { values } = parseArgs({ options: Object.fromEntries(names.map((n) => [n, { type: 'string' as const }])) });
  const missing = names.filter((n) => values[n] === undefined);
  if (missing.length) throw new Error(`missing --${missing.join(', --')}`);
  return values as Record<string, string>;
}

/** Time `work` and print the result line. */
export async function timed(work: () => Promise<Record<string, unknown> | undefined>): Promise<void> {
  const start = performance.now();
  const details = (await work()) ?? {};
  const result: ContenderResult = { seconds: (performance.now() - start) / 1000, ...details };
  console.log(JSON.stringify(result));
}

/** What a metrics contender reports of its own time: opening the lake, then each table it wrote. */
export interface TableTimes {
  openSeconds: number;
  tableSeconds: Record<string, number>;
}

/**
 * A metrics contender's clock: the seconds to open the lake, then each table's, from the end of the one
 * written before it. The harness compares a contender with a peer that computes only some of the tables
 * (the pandas and polars baselines) on those tables' time, so both sides do the same work.
 */
export function tableClock(): { opened(): void; written(table: string): void; result(): TableTimes } {
  const start = performance.now();
  let last = start;
  const times: TableTimes = { openSeconds: 0, tableSeconds: {} };
  return {
    opened() {
      last = performance.now();
      times.openSeconds = (last - start) / 1000;
    },
    written(table) {
      const now = performance.now();
      times.tableSeconds[table] = (now - last) / 1000;
      last = now;
    },
    result: () => times,
  };
}
