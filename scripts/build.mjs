// Compile the CLI once (npm ci runs this as `prepare`; npm start and npm test run it again, which takes
// well under a second): bin/chainwatch.js then runs plain JavaScript instead of compiling TypeScript
// with tsx on every start. One entry, split into chunks at each dynamic import, so a command loads only
// its own code. Packages stay in node_modules (DuckDB is native, the AWS SDK is large and shared), except
// the Trino grammar: its ESM files import each other without file extensions, which only a bundler resolves.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
const BUNDLED_PACKAGES = ['dt-sql-parser'];

/** The esbuild options of the CLI build; the start-up test builds with them to inspect what loads when. */
export const CLI_BUILD = {
  absWorkingDir: root,
  entryPoints: ['src/cli/main.ts'],
  outdir: `${root}dist`,
  outbase: 'src',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).filter((n) => !BUNDLED_PACKAGES.includes(n)),
  sourcemap: 'linked',
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await rm(CLI_BUILD.outdir, { recursive: true, force: true });
  await build(CLI_BUILD);
}
