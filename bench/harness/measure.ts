import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContenderResult } from '../contenders/result.ts';

/** GNU time reports a child's peak RSS (%M, KiB) and wall time (%e) without touching the child. */
export const GNU_TIME = '/usr/bin/time';

export class BenchSetupError extends Error {
  constructor(message: string, readonly hint: string) {
    super(message);
  }
}

export function requireGnuTime(): void {
  if (!existsSync(GNU_TIME)) {
    throw new BenchSetupError(`${GNU_TIME} is missing: the harness needs it for each contender's peak RSS`, 'Install it: apt-get install -y time');
  }
}

export interface Measurement {
  /** Seconds of the work as the contender timed it (start-up and imports excluded, for everyone). */
  seconds: number;
  /** Seconds of the whole process as GNU time saw it. */
  wallSeconds: number;
  peakRssMb: number;
  result: ContenderResult;
}

/** Run one contender process to completion; its last stdout line is its result (contenders/result.ts). */
export async function measure(command: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Measurement> {
  const dir = await mkdtemp(join(tmpdir(), 'chainwatch-bench-'));
  const timeFile = join(dir, 'time');
  try {
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(GNU_TIME, ['-f', '%e %M', '-o', timeFile, ...command], {
        cwd: options.cwd,
        env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', ...options.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d));
      child.stderr.on('data', (d: Buffer) => (err = (err + d).slice(-8000)));
      child.on('error', reject);
      child.on('close', (c) => resolve({ code: c, stdout: out, stderr: err }));
    });
    if (code !== 0) throw new Error(`${command.join(' ')} exited with ${code}:\n${stderr.trim()}`);
    const [wall, rssKb] = (await readFile(timeFile, 'utf8')).trim().split('\n').at(-1)!.split(' ').map(Number);
    const last = stdout.trim().split('\n').at(-1) ?? '';
    let result: ContenderResult;
    try {
      result = JSON.parse(last) as ContenderResult;
    } catch {
      throw new Error(`${command.join(' ')} printed no result line (last line: ${JSON.stringify(last.slice(0, 200))})`);
    }
    return { seconds: result.seconds, wallSeconds: wall, peakRssMb: rssKb / 1024, result };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
