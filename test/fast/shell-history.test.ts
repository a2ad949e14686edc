import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendHistory, historyFile, loadHistory } from '../../src/cli/shell-history.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chainwatch-history-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('shell history', () => {
  it('lives in $XDG_STATE_HOME/chainwatch, else ~/.local/state/chainwatch (a relative XDG_STATE_HOME is ignored)', () => {
    expect(historyFile({ XDG_STATE_HOME: '/state' }, '/home/ana')).toBe('/state/chainwatch/history');
    expect(historyFile({}, '/home/ana')).toBe('/home/ana/.local/state/chainwatch/history');
    expect(historyFile({ XDG_STATE_HOME: 'state' }, '/home/ana')).toBe('/home/ana/.local/state/chainwatch/history');
  });

  it('appends each line to a file only the user reads, and gives it back newest first', async () => {
    const file = join(dir, 'new', 'chainwatch', 'history');
    expect(await loadHistory(file)).toEqual([]);
    await appendHistory(file, 'SELECT 1;');
    await appendHistory(file, '.tables');
    expect(await loadHistory(file)).toEqual(['.tables', 'SELECT 1;']);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'new', 'chainwatch'))).mode & 0o777).toBe(0o700);
  });

  it('keeps the file bounded: past the limit, only the newest lines stay', async () => {
    const file = join(dir, 'long-history');
    await writeFile(file, `${Array.from({ length: 12 }, (_, i) => `SELECT ${i};`).join('\n')}\n`);
    expect(await loadHistory(file, 5)).toEqual(['SELECT 11;', 'SELECT 10;', 'SELECT 9;', 'SELECT 8;', 'SELECT 7;']);
    expect(await readFile(file, 'utf8')).toBe('SELECT 7;\nSELECT 8;\nSELECT 9;\nSELECT 10;\nSELECT 11;\n');
  });
});
