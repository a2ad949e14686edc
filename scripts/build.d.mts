// Types for scripts/build.mjs, a plain JavaScript script (npm runs it before anything is compiled) that the
// tests and the benchmark import for the CLI's build options.
import type { BuildOptions } from 'esbuild';

/** The CLI's esbuild options: its entry points compiled into dist/. */
export declare const CLI_BUILD: Omit<BuildOptions, 'entryPoints' | 'outbase'> & {
  entryPoints: string[];
  outbase: string;
};

/** Compile `entryPoints` with the CLI's build options into a new folder under `parent`; returns the folder. */
export declare function compileForThisProcess(parent: string, entryPoints: string[], outbase?: string): string;
