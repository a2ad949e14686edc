// Compile the CLI once (npm ci runs this as `prepare`; npm start and npm test run it again, which takes
// well under a second): bin/chainwatch.js then runs plain JavaScript instead of compiling TypeScript
// with tsx on every start. One entry, split into chunks at each dynamic import, so a command loads only
// its own code. Packages stay in node_modules (the AWS SDK is large and shared), except the Trino grammar (its
// ESM files import each other without file extensions, which only a bundler resolves) and DuckDB's JavaScript
// API (its 120 CommonJS files load in a third of the time as one; the native bindings stay in node_modules).
// The chart renderer and the report build are entries of their own: each one's thread loads the chunk that
// holds its module, which then holds only that module (the build's code is a dynamic import of it), instead of
// a command's chunk with DuckDB, the schemas and the Parquet writer.
import { build, buildSync } from 'esbuild';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { copyFile, link, mkdir, readdir, rename, rm, rmdir } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
const BUNDLED_PACKAGES = ['dt-sql-parser', '@duckdb/node-api'];

/** The esbuild options of the CLI build; the start-up test builds with them to inspect what loads when. */
export const CLI_BUILD = {
  absWorkingDir: root,
  entryPoints: ['src/cli/main.ts', 'src/cli/report-thread.ts', 'src/core/report/charts/chart-renderer.ts'],
  outdir: `${root}dist`,
  outbase: 'src',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: [
    ...Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).filter((n) => !BUNDLED_PACKAGES.includes(n)),
    '@duckdb/node-bindings',
  ],
  // A bundled CommonJS package's require() of a package left in node_modules (DuckDB's bindings) needs a
  // require in the ESM output.
  banner: {
    js: "import { createRequire as __chainwatchRequire } from 'node:module';\nconst require = __chainwatchRequire(import.meta.url);",
  },
  sourcemap: 'linked',
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
};

/**
 * Compile `entryPoints` with the CLI's build options into a new folder under `parent` (inside the checkout:
 * the compiled code finds the project's files from where it runs), removed when this process exits. The
 * test run's thread code and the bench's contenders are compiled this way.
 */
export function compileForThisProcess(parent, entryPoints, outbase = CLI_BUILD.outbase) {
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(`${parent}/.compiled-`);
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  buildSync({ ...CLI_BUILD, entryPoints, outbase, outdir: dir, sourcemap: false });
  return dir;
}

/**
 * The Data page's SQL console, as the report copies it into the site (src/core/report/console-files.ts
 * reads this folder): the page script with DuckDB-WASM's ESM API, Apache Arrow and hyparquet bundled into
 * one classic script (a module script would not load from a page opened from disk), and DuckDB's worker and
 * WebAssembly as the package ships them. Only the build with WebAssembly exceptions (eh): every browser that
 * honours the page's CSP ('wasm-unsafe-eval': Chrome 97, Firefox 102, Safari 16) runs it, so the build for
 * older browsers (mvp, 39 MB) could never load there.
 */
const CONSOLE_FOLDER = 'site-console';
const DUCKDB_WASM_DIST = `${root}node_modules/@duckdb/duckdb-wasm/dist`;
const DUCKDB_WASM_FILES = ['duckdb-eh.wasm', 'duckdb-browser-eh.worker.js'];

async function buildConsole(outdir) {
  const consoleDir = join(outdir, CONSOLE_FOLDER);
  await mkdir(consoleDir, { recursive: true });
  await build({
    absWorkingDir: root,
    entryPoints: ['src/browser/data-console.ts'],
    outfile: join(consoleDir, 'data-console.js'),
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2021'],
    minify: true,
    legalComments: 'eof',
    logLevel: 'warning',
  });
  // Several MB each: a hard link where the file system allows it, else a copy.
  for (const file of DUCKDB_WASM_FILES)
    await link(`${DUCKDB_WASM_DIST}/${file}`, join(consoleDir, file)).catch(() =>
      copyFile(`${DUCKDB_WASM_DIST}/${file}`, join(consoleDir, file)),
    );
}

async function filesUnder(dir) {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch((e) => {
    if (e.code === 'ENOENT') return [];
    throw e;
  });
  return entries.filter((e) => !e.isDirectory()).map((e) => relative(dir, join(e.parentPath, e.name)));
}

/**
 * Move a finished build into dist/ without a moment where dist/ or one of its files is missing or half
 * written: other processes may be running the CLI from it (the bench, run from the test suite, builds while
 * other tests run `chainwatch`). Each file is renamed over its old copy (atomic), then the files the new build
 * no longer has are removed. Chunk names carry a content hash, so a running process never has a chunk it
 * imports changed under it; the same sources give the same files.
 */
async function replaceDist(staged, dist) {
  const fresh = await filesUnder(staged);
  for (const file of fresh) {
    await mkdir(dirname(join(dist, file)), { recursive: true });
    await rename(join(staged, file), join(dist, file));
  }
  const keep = new Set(fresh);
  for (const file of await filesUnder(dist)) if (!keep.has(file)) await rm(join(dist, file), { force: true });
  for (const entry of (await readdir(dist, { recursive: true, withFileTypes: true })).reverse())
    if (entry.isDirectory()) await rmdir(join(entry.parentPath, entry.name)).catch(() => {});
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const staged = mkdtempSync(`${root}.dist-`);
  try {
    await build({ ...CLI_BUILD, outdir: staged });
    await buildConsole(staged);
    await replaceDist(staged, CLI_BUILD.outdir);
  } finally {
    await rm(staged, { recursive: true, force: true });
  }
}
