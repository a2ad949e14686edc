import { ENV } from './env.ts';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The nearest folder above `from` that holds package.json: the checkout, whether this module runs from
 * its source (`src/core/`, through tsx) or from the compiled CLI (`dist/…`, any depth of chunk).
 */
function checkoutAbove(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return from;
  }
}

/**
 * Where the project's shipped files (data/bundled, data-schemas/reference, sql/, reports/) live: the
 * checkout for the CLI and tests, wherever they are started from and whether they run compiled or not;
 * the task root in a bundled Lambda, where the CDK app copies those folders next to the handler.
 */
export const PROJECT_ROOT = process.env[ENV.taskRoot] ?? checkoutAbove(dirname(fileURLToPath(import.meta.url)));

export const projectPath = (...segments: string[]): string => join(PROJECT_ROOT, ...segments);
