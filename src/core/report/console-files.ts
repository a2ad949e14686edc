import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ChainwatchError } from '../errors.ts';
import { projectPath } from '../project-root.ts';
import type { ObjectStore } from '../seams/object-store.ts';
import { contentTypeOf } from './content-types.ts';
import { mounts } from './paths.ts';

/** The console's files are missing: the CLI build (or the Lambda bundle) did not make them. */
class ConsoleFilesError extends ChainwatchError {}

/**
 * Where `npm run build` (scripts/build.mjs) puts the Data page's SQL console: its script and DuckDB-WASM's
 * workers and WebAssembly. The report Lambda ships the folder beside its handler (infra/stacks/pipeline.ts).
 */
const CONSOLE_BUILD = projectPath('dist', 'site-console');

/** The page script, as the Data page names it. */
export const CONSOLE_SCRIPT = `${mounts.console}data-console.js`;

/**
 * Copy the SQL console into the site once, at its root (`console/`): every copy of every release's Data
 * page loads it from there, so the WebAssembly (tens of MB) is in each site build once. Returns its size:
 * what a reader's browser downloads for a first query.
 */
export async function writeConsoleFiles(out: ObjectStore): Promise<number> {
  const files: string[] = await readdir(CONSOLE_BUILD).catch(() => []);
  if (!files.includes('data-console.js'))
    throw new ConsoleFilesError(
      `The Data page's SQL console is not built (${CONSOLE_BUILD} has no data-console.js)`,
      'Run npm run build (npm start and npm test run it), then build the site again.',
    );
  let bytes = 0;
  for (const file of files.sort()) {
    const path = join(CONSOLE_BUILD, file);
    const key = mounts.console + file;
    if (out.putFile) await out.putFile(key, path, contentTypeOf(file));
    else await out.put(key, await readFile(path), contentTypeOf(file));
    bytes += (await stat(path)).size;
  }
  return bytes;
}
