import { createHash } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';

/**
 * How much slower than a quiet reference machine this one is right now. Tests never assert timings,
 * but their timeouts (a hung child, a server that never starts) must not fire only because the
 * machine is loaded: every timeout in the suite is a base duration times this factor. It is measured
 * once, when vitest loads its config, from a fixed CPU task and the load average, and handed to the
 * test workers in the environment.
 */
const SLOWDOWN_ENV = 'CHAINWATCH_TEST_SLOWDOWN';
/** The calibration task's time on a quiet core of the 2-core CI machine. */
const REFERENCE_MS = 40;

function calibrate(): number {
  const start = performance.now();
  const block = Buffer.alloc(1 << 20, 7);
  for (let i = 0; i < 32; i++) createHash('sha256').update(block).digest();
  const cpu = (performance.now() - start) / REFERENCE_MS;
  const queue = loadavg()[0] / availableParallelism();
  // A floor of 2: the load can rise after the measurement (another job starts on the machine).
  return Math.max(2, Math.ceil(Math.max(cpu, queue) * 2));
}

export function measureSlowdown(env: NodeJS.ProcessEnv = process.env): number {
  env[SLOWDOWN_ENV] ??= String(calibrate());
  return Number(env[SLOWDOWN_ENV]);
}

/** A test's time budget on this machine: `ms` on a quiet one, times the measured slowdown. */
export const scaled = (ms: number): number => ms * Number(process.env[SLOWDOWN_ENV] ?? measureSlowdown());
