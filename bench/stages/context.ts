import { INGEST_HEAP_MB } from '../../infra/lambda-budgets.ts';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GeneratedData } from '../generate.ts';

/** What every stage gets from the harness. */
export interface StageContext {
  /** Folder for generated data and outputs (git-ignored bench/work/ by default). */
  work: string;
  runs: number;
  log: (line: string) => void;
}

export interface SizedContext extends StageContext {
  data: GeneratedData;
}

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
const bench = (path: string): string => fileURLToPath(new URL(`../${path}`, import.meta.url));

/** A TypeScript contender, run by node with the tsx loader (the way the CLI runs). */
export const nodeContender = (script: string, ...args: string[]): string[] => [
  'node',
  '--import',
  'tsx',
  bench(`contenders/${script}`),
  ...args,
];
/** The chainwatch CLI as a user runs it (`chainwatch <args>`: the compiled bin, npm run build), start-up included. */
export const cliContender = (...args: string[]): string[] => ['node', join(REPO, 'bin', 'chainwatch.js'), ...args];
/** A contender under the V8 heap limit the ingest Lambda is deployed with (infra/lambda-budgets.ts). */
export const ingestContender = (script: string, ...args: string[]): string[] => {
  const [node, ...rest] = nodeContender(script, ...args);
  return [node, `--max-old-space-size=${INGEST_HEAP_MB}`, ...rest];
};
export const pythonContender = (script: string, ...args: string[]): string[] => [
  'python3',
  bench(`baselines/${script}`),
  ...args,
];
