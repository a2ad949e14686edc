/**
 * Run before each test file of the fast lane (vitest `setupFiles`). Its files share their worker processes
 * (`isolate: false`: each file would otherwise load DuckDB and vega anew), so what a file changes of the
 * process must not reach the next file: the environment it set or removed (a Lambda handler's settings, an
 * API key variable) is put back as it was when the file started, and its spies on console or stdout are
 * removed, when the file ends.
 */
import { afterAll, vi } from 'vitest';

const started = { ...process.env };

afterAll(() => {
  vi.restoreAllMocks();
  for (const key of Object.keys(process.env)) if (!(key in started)) delete process.env[key];
  Object.assign(process.env, started);
});
