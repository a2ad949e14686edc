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
  /** Seconds of the work as the contender timed it (start-up and imports excluded, for everyone); NaN if it failed. */
  seconds: number;
  /** Seconds of the whole process as GNU time saw it. */
  wallSeconds: number;
  peakRssMb: number;
  result: ContenderResult;
  /** Why the process failed (non-zero exit, killed at the time limit, no result line). */
  error?: string;
}

export interface MeasureOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Kill the contender (its whole process group) after this many seconds and record the failure. */
  timeoutSeconds?: number;
}

/** The last line of a failing contender's stderr that says what went wrong. */
const reasonOf = (stderr: string): string =>
  stderr.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('at ') && !/^Node\.js v/.test(l) && !/^\^+$/.test(l)).at(-1) ?? 'no message';

/**
 * Run one contender process to completion; its last stdout line is its result (contenders/result.ts).
 * A failure is a measurement too (how long, how much memory, why), so one contender that runs out
 * of memory at 10M rows does not hide the rest of the run.
 */
export async function measure(command: readonly string[], options: MeasureOptions = {}): Promise<Measurement> {
  const dir = await mkdtemp(join(tmpdir(), 'chainwatch-bench-'));
  const timeFile = join(dir, 'time');
  const started = performance.now();
  try {
    let timedOut = false;
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(GNU_TIME, ['-f', '%e %M', '-o', timeFile, ...command], {
        cwd: options.cwd,
        env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', ...options.env },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      const timer = options.timeoutSeconds
        ? setTimeout(() => {
            timedOut = true;
            process.kill(-child.pid!, 'SIGKILL');
          }, options.timeoutSeconds * 1000)
        : undefined;
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out = (out + d).slice(-100_000)));
      child.stderr.on('data', (d: Buffer) => (err = (err + d).slice(-8000)));
      child.on('error', reject);
      child.on('close', (c) => {
        clearTimeout(timer);
        resolve({ code: c, stdout: out, stderr: err });
      });
    });
    const timing = await readFile(timeFile, 'utf8').catch(() => '');
    const [wall, rssKb] = timing.trim().split('\n').at(-1)?.split(' ').map(Number) ?? [];
    const wallSeconds = Number.isFinite(wall) ? wall : (performance.now() - started) / 1000;
    const peakRssMb = Number.isFinite(rssKb) ? rssKb / 1024 : NaN;
    const failed = (error: string): Measurement => ({ seconds: NaN, wallSeconds, peakRssMb, result: { seconds: NaN }, error });
    if (timedOut) return failed(`killed at the ${options.timeoutSeconds} s limit`);
    if (code !== 0) return failed(`exit ${code}: ${reasonOf(stderr)}`);
    const last = stdout.trim().split('\n').at(-1) ?? '';
    try {
      const result = JSON.parse(last) as ContenderResult;
      return { seconds: result.seconds, wallSeconds, peakRssMb, result };
    } catch {
      return failed(`printed no result line (last line: ${JSON.stringify(last.slice(0, 200))})`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
