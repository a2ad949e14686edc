/**
 * `npm run build` replaces dist/ while other processes may be running the CLI from it (the bench, which the
 * test suite runs, builds beside tests that run `chainwatch`): dist/ and its files never go missing, and what
 * the new build no longer has is removed.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
const REPO = fileURLToPath(new URL('../../', import.meta.url));

const WATCHED = ['dist/cli/main.js', 'dist/site-console/data-console.js', 'dist/site-console/duckdb-eh.wasm'];

describe('the build script', () => {
  it('replaces dist/ with no moment where a file the CLI runs from is missing, and removes stale files', async () => {
    const stale = join(REPO, 'dist', 'chunks', 'stale-left-by-an-older-build.js');
    await writeFile(stale, '');
    const build = spawn(process.execPath, ['scripts/build.mjs'], { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    build.stderr.on('data', (d) => {
      stderr += d;
    });
    const exited = new Promise<number | null>((done) => build.on('exit', done));
    let running = true;
    void exited.then(() => {
      running = false;
    });
    const missing = new Set<string>();
    let looks = 0;
    while (running) {
      for (const file of WATCHED) if (!existsSync(join(REPO, file))) missing.add(file);
      looks++;
      await new Promise((tick) => setImmediate(tick));
    }
    expect(await exited, stderr).toBe(0);
    expect(looks).toBeGreaterThan(10);
    expect([...missing]).toEqual([]);
    expect(existsSync(stale)).toBe(false);
    expect(readdirSync(REPO).filter((name) => name.startsWith('.dist-'))).toEqual([]);
  });
});
