import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { ENV, type Env } from '../core/env.ts';

/** Lines the history file keeps; older ones are dropped when a session starts. */
export const HISTORY_LINES = 1000;

/**
 * Where `chainwatch shell` keeps its history: the user's state folder, as the XDG Base Directory
 * spec defines it ($XDG_STATE_HOME, else ~/.local/state; a relative $XDG_STATE_HOME is ignored).
 */
export function historyFile(env: Env = process.env, home = homedir()): string {
  const state = env[ENV.xdgStateHome];
  return join(state && isAbsolute(state) ? state : join(home, '.local', 'state'), 'chainwatch', 'history');
}

/** The history of past sessions, newest first (as readline takes it); trims the file to `max` lines. */
export async function loadHistory(file: string, max = HISTORY_LINES): Promise<string[]> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  if (lines.length > max) await writeFile(file, `${lines.slice(-max).join('\n')}\n`, { mode: 0o600 });
  return lines.slice(-max).reverse();
}

/** Append one entered line at once, so a session that is killed keeps what was typed. SQL may name private things: only the user reads it. */
export async function appendHistory(file: string, line: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await appendFile(file, `${line}\n`, { mode: 0o600 });
}
