import { ENV } from './env.ts';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the project's shipped files (data/bundled, data-schemas/reference, sql/) live: the checkout
 * for the CLI and tests, wherever they are started from; the task root in a bundled Lambda, where
 * the CDK app copies those folders next to the handler.
 */
export const PROJECT_ROOT = process.env[ENV.taskRoot] ?? fileURLToPath(new URL('../..', import.meta.url));

export const projectPath = (...segments: string[]): string => join(PROJECT_ROOT, ...segments);
