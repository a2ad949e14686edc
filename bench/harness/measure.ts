import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContenderResult } from '../contenders/result.ts';

/** GNU time reports a child's peak RSS (%M, KiB) and wall time (%e) without touching the child. */
const GNU_TIME = '/usr/bin/time';

export class BenchSetupError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

export function requireGnuTime(): void {
  if (!existsSync(GNU_TIME)) {
    throw new BenchSetupError(
      `${GNU_TIME} is missing: the harness needs it for each contender's peak RSS`,
      'Install it: apt-get install -y time',
    );
  }
}

export interface Measurement {
  /** Seconds of the work as the contender timed it (start-up and imports excluded, for everyone); NaN if it failed. */
  seconds: number;
  /** Seconds of the whole process as GNU time saw it. */
  wallSeconds: number;
  /** CPU seconds (user + system) of the whole process and its children, start-up included. */
  cpuSeconds: number;
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
  /** Kill it when its processes hold more than this much memory: the machine is shared, the OOM killer is not a referee. */
  memoryCapMb?: number;
  /**
   * For a program that keeps no contender contract (the chainwatch CLI itself): what to report from its
   * output (nothing, for `node -e 0` or `chainwatch --help`: `wholeProcess`). Its `seconds` are then the
   * whole process's, as GNU time saw them.
   */
  resultOf?: (stdout: string) => Record<string, unknown>;
}

const DEFAULT_MEMORY_CAP_MB = 6144;

/** Resident memory of a process group, in MB (ps sums every member). */
function groupRssMb(pgid: number): number {
  try {
    const out = execFileSync('ps', ['-o', 'rss=', '-g', String(pgid)], { encoding: 'utf8' });
    return out.split('\n').reduce((sum, line) => sum + (Number(line.trim()) || 0), 0) / 1024;
  } catch {
    return 0;
  }
}

/** The last line of a failing contender's stderr that says what went wrong. */
const reasonOf = (stderr: string): string => {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('at ') && !/^Node\.js v/.test(l) && !/^[\^\]}]+$/.test(l));
  return (lines.find((l) => /Error\b/.test(l)) ?? lines.at(-1) ?? 'no message').slice(0, 300);
};

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
    let stopped: string | undefined;
    let observedRssMb = NaN;
    const cap = options.memoryCapMb ?? DEFAULT_MEMORY_CAP_MB;
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
      (resolve, reject) => {
        const child = spawn(GNU_TIME, ['-f', '%e %M %U %S', '-o', timeFile, ...command], {
          cwd: options.cwd,
          env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', ...options.env },
          stdio: ['ignore', 'pipe', 'pipe'],
          detached: true,
        });
        const stop = (reason: string) => {
          stopped ??= reason;
          process.kill(-child.pid!, 'SIGKILL');
        };
        const timer = options.timeoutSeconds
          ? setTimeout(() => stop(`killed at the ${options.timeoutSeconds} s limit`), options.timeoutSeconds * 1000)
          : undefined;
        const watch = setInterval(() => {
          const rss = groupRssMb(child.pid!);
          observedRssMb = Number.isFinite(observedRssMb) ? Math.max(observedRssMb, rss) : rss;
          if (rss > cap)
            stop(
              `killed at the ${cap.toLocaleString('en-US')} MB memory cap (held ${Math.round(rss).toLocaleString('en-US')} MB after ${((performance.now() - started) / 1000).toFixed(0)} s)`,
            );
        }, 1000);
        let out = '';
        let err = '';
        child.stdout.on('data', (d: Buffer) => (out = (out + d).slice(-100_000)));
        child.stderr.on('data', (d: Buffer) => (err = (err + d).slice(-8000)));
        child.on('error', reject);
        child.on('close', (c) => {
          clearTimeout(timer);
          clearInterval(watch);
          resolve({ code: c, stdout: out, stderr: err });
        });
      },
    );
    // A contender killed with its group leaves no GNU time report: fall back to our clock and the watchdog's view.
    const timing = (await readFile(timeFile, 'utf8').catch(() => '')).trim().split('\n').at(-1) ?? '';
    const [wall, rssKb, user, system] = /^[\d.]+ \d+ [\d.]+ [\d.]+$/.test(timing)
      ? timing.split(' ').map(Number)
      : [NaN, NaN, NaN, NaN];
    const cpuSeconds = user + system;
    const wallSeconds = Number.isFinite(wall) ? wall : (performance.now() - started) / 1000;
    const peakRssMb = Number.isFinite(rssKb) ? rssKb / 1024 : observedRssMb;
    const failed = (error: string): Measurement => ({
      seconds: NaN,
      wallSeconds,
      cpuSeconds,
      peakRssMb,
      result: { seconds: NaN },
      error,
    });
    if (stopped) return failed(stopped);
    if (code !== 0) return failed(`exit ${code}: ${reasonOf(stderr)}`);
    if (options.resultOf) {
      try {
        return {
          seconds: wallSeconds,
          wallSeconds,
          cpuSeconds,
          peakRssMb,
          result: { ...options.resultOf(stdout), seconds: wallSeconds },
        };
      } catch (error) {
        return failed((error as Error).message);
      }
    }
    const last = stdout.trim().split('\n').at(-1) ?? '';
    try {
      const result = JSON.parse(last) as ContenderResult;
      return { seconds: result.seconds, wallSeconds, cpuSeconds, peakRssMb, result };
    } catch {
      return failed(`printed no result line (last line: ${JSON.stringify(last.slice(0, 200))})`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `resultOf` of a whole program (a CLI command, `node -e 0`): nothing read from its output, only measured from outside. */
export const wholeProcess = (): Record<string, unknown> => ({});
