/**
 * Run before each test file of both lanes (vitest `setupFiles`). The files of a lane share their worker
 * processes (`isolate: false`: each file would otherwise load the AWS SDK, DuckDB and vega anew), so what
 * a file changes of the process must not reach the next file: the environment it set (a handler's
 * LAKE_BUCKET, an SSM parameter name) is put back as it was when the file started, and its spies on
 * console or stdout are removed, when the file ends.
 */
import { afterAll, vi } from 'vitest';

const started = { ...process.env };

afterAll(() => {
  vi.restoreAllMocks();
  for (const key of Object.keys(process.env)) if (!(key in started)) delete process.env[key];
  Object.assign(process.env, started);
});
