/**
 * `chainwatch query … | head -1`: the reader closes the pipe after one line. The real CLI, in a child
 * process, must end quietly with exit 0 — no EPIPE stack trace.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestStep } from '../../src/cli/ingest-step.ts';
import { scaled } from '../support/slowdown.ts';

const BIN = fileURLToPath(new URL('../../bin/chainwatch.js', import.meta.url));
let dir: string;
let lake: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chainwatch-pipe-'));
  lake = join(dir, 'lake');
  await ingestStep({ lake, outDir: join(dir, 'site') });
}, scaled(120_000));

afterAll(() => rm(dir, { recursive: true, force: true }));

describe('chainwatch query into a pipe that closes early', () => {
  it(
    'exits 0 and prints nothing on stderr',
    async () => {
      // All of trade_flows is megabytes of CSV, far more than a pipe holds, so writes go on after the close.
      const child = spawn(process.execPath, [BIN, 'query', 'SELECT * FROM trade_flows', '--lake', lake]);
      let stderr = '';
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
      });
      const firstLine = await new Promise<string>((resolve) => {
        let text = '';
        child.stdout.on('data', (chunk) => {
          text += chunk;
          if (text.includes('\n')) {
            child.stdout.destroy();
            resolve(text.slice(0, text.indexOf('\n')));
          }
        });
      });
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(firstLine).toMatch(/^source,year,month,reporter_iso3,/);
      expect(stderr).toBe('');
      expect(code).toBe(0);
    },
    scaled(120_000),
  );
});
