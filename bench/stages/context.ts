import { INGEST_HEAP_MB } from '../../infra/lambda-budgets.ts';
import { readdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileForThisProcess } from '../../scripts/build.mjs';
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

let compiled: string | undefined;
/**
 * The contenders and the harness's local Comtrade API, compiled once per bench process with the CLI's build
 * options: each starts as plain JavaScript, as the CLI does (npm run build), so neither side of a comparison
 * pays for compiling TypeScript at start-up (under tsx a contender spent ~1.5 s of CPU on it, cold). The
 * folder is in the checkout (the code finds the project's files from where it runs) and removed when the
 * benchmark run ends (removeCompiledScripts), or else at exit.
 */
function compiledScripts(): string {
  if (compiled) return compiled;
  const contenders = readdirSync(bench('contenders')).filter((f) => f.endsWith('.ts') && f !== 'result.ts');
  const entries = [...contenders.map((f) => bench(`contenders/${f}`)), bench('harness/comtrade-api.ts')];
  compiled = compileForThisProcess(join(REPO, 'bench', 'work'), entries, bench(''));
  return compiled;
}

/** Remove the compiled scripts, if any; the next compiledScript compiles them again. */
export function removeCompiledScripts(): void {
  if (compiled) rmSync(compiled, { recursive: true, force: true });
  compiled = undefined;
}

/** A benchmark script of the harness (`contenders/x.ts`, `harness/y.ts`), compiled: the file node runs. */
export const compiledScript = (script: string): string => join(compiledScripts(), script.replace(/\.ts$/, '.js'));

/** A TypeScript contender, compiled (compiledScript), run by node. */
export const nodeContender = (script: string, ...args: string[]): string[] => [
  'node',
  compiledScript(`contenders/${basename(script)}`),
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
