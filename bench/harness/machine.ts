import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { createRequire } from 'node:module';

/** What the numbers were measured on: they only mean something next to this. */
export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  duckdbNode: string;
  python: string;
}

function packageVersion(name: string): string {
  try {
    const require = createRequire(import.meta.url);
    return (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function pythonVersions(): string {
  try {
    return execFileSync(
      'python3',
      [
        '-c',
        'import sys, pandas, polars, pyarrow; print(f"Python {sys.version.split()[0]}, pandas {pandas.__version__}, polars {polars.__version__}, pyarrow {pyarrow.__version__}")',
      ],
      { encoding: 'utf8' },
    ).trim();
  } catch {
    return 'python3 with pandas/polars/pyarrow not available';
  }
}

export function describeMachine(): Machine {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `Linux ${release()}`,
    node: process.version,
    duckdbNode: packageVersion('@duckdb/node-api'),
    python: pythonVersions(),
  };
}
