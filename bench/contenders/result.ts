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
