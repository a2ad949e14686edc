import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isMainThread, Worker, workerData } from 'node:worker_threads';
import { ENV } from './env.ts';
import { projectPath } from './project-root.ts';

/**
 * A thread whose code is a module of chainwatch: the module serves when it loads in a thread started with
 * its role (`threadRole()`), so the same file works from the sources, from the CLI's bundled chunks and
 * from a Lambda's single-file bundle. Each such thread gets a young generation of its own size: only a
 * thread can (the main thread's is fixed when node starts), and V8's default lets a fast allocator's young
 * generation grow several times larger than it needs (bench/analysis.md).
 */
export interface ModuleThreadOptions {
  /** What the module serves as in that thread. */
  role: string;
  /** The thread's young generation, MB. */
  youngGenerationMb: number;
  /** What the thread is given to start with (structured-cloned). */
  data?: unknown;
}

/**
 * The thread's code: the module at `moduleUrl`. From the TypeScript sources (the tests, a script run with
 * tsx) the thread runs the module's compiled copy in the build ENV.threadBuild names, when one is named
 * (the tests: loading a report build's modules through tsx's loader cost each thread ~1 s of CPU). Else it
 * first installs tsx's loader, as `tsx` or vitest compiled them for the parent thread, without tsx's cache
 * folder (it would be left in the temp folder, which a build must leave as it found it).
 */
function threadEntry(moduleUrl: string): { script: string; env?: NodeJS.ProcessEnv } {
  const load = (url: string) => `import(${JSON.stringify(url)})`;
  if (!moduleUrl.endsWith('.ts')) return { script: load(moduleUrl) };
  const build = process.env[ENV.threadBuild];
  if (build) {
    const compiled = join(build, relative(projectPath('src'), fileURLToPath(moduleUrl)).replace(/\.ts$/, '.js'));
    return { script: load(pathToFileURL(compiled).href) };
  }
  const tsxApi = pathToFileURL(createRequire(moduleUrl).resolve('tsx/esm/api')).href.replace(/\.cjs$/, '.mjs');
  return {
    script: `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return ${load(moduleUrl)}; })`,
    env: { ...process.env, TSX_DISABLE_CACHE: '1' },
  };
}

/** Start the module at `moduleUrl` (its `import.meta.url`) in a thread of its own, serving as `role`. */
export function startModuleThread(moduleUrl: string, { role, youngGenerationMb, data }: ModuleThreadOptions): Worker {
  const { script, env } = threadEntry(moduleUrl);
  return new Worker(script, {
    eval: true,
    env,
    workerData: { role, data },
    resourceLimits: { maxYoungGenerationSizeMb: youngGenerationMb },
  });
}

/** In a thread started by startModuleThread: its role and start data; else undefined. */
export function threadRole(): { role: string; data: unknown } | undefined {
  if (isMainThread) return undefined;
  const given = workerData as { role?: unknown; data?: unknown } | undefined;
  return typeof given?.role === 'string' ? { role: given.role, data: given.data } : undefined;
}
