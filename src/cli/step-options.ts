import { UsageError } from '../core/errors.ts';
import type { HttpContext } from '../core/http/retry.ts';

/**
 * What every local pipeline step takes, and the way each prints its progress line. The lake is a
 * folder by default; ingest and refresh also take `s3://…`.
 */
export interface PipelineOptions {
  /** Lake folder or `s3://bucket/prefix`. */
  lake: string;
  outDir: string;
  runId?: string;
  dataDir?: string;
  /** The site's public address, checked (run, report): absolute URLs in citations and feeds. */
  baseUrl?: string;
  log?: (line: string) => void;
  /** Raw progress output (the multi-request progress bar); defaults to `log` per line. */
  write?: (text: string) => void;
  tty?: boolean;
  /** The live sources' HTTP seam (default: Node fetch, the default retry policy). */
  http?: HttpContext;
}

export const seconds = (start: number): string => `${((performance.now() - start) / 1000).toFixed(1)} s`;
export const count = (n: number): string => n.toLocaleString('en-US');
export const noop = (): void => {};

/** The local steps that query the lake run DuckDB over local Parquet: a folder, never `s3://`. */
export function requireFolderLake(lake: string, step: 'metrics' | 'report'): void {
  if (lake.startsWith('s3://')) {
    throw new UsageError(
      `The local ${step} step needs a folder lake (DuckDB reads local Parquet only)`,
      `Run ${step} in AWS (the Step Functions pipeline runs it on Athena), or use a folder with --lake.`,
    );
  }
}
