/**
 * Expensive test inputs built once and shared read-only by every test file that asks for them: the bundled
 * lake with its metrics and the site built from it take ~10 s of CPU each time, and a dozen files used to
 * build their own. A fixture lives in `.tmp/fixtures/<name>-<key>/` (gitignored), where the key is a hash
 * of everything that can change what it holds — the project's inputs (src/, sql/, data/, data-schemas/,
 * reports/, package-lock.json), test/support/, where the recipes live, test/fixtures/, the data some
 * recipes write, and test/crash/, the crash tests' child process that one fixture bundles with the CLI's
 * build options (scripts/build.mjs) — so an edit to any of them builds it anew, and an unchanged checkout
 * reuses it from the last run.
 *
 * Test workers run in parallel: the first that asks builds (under a lock folder), the others wait for it.
 * A fixture is built into a temporary folder and renamed into place, so it is there whole or not at all.
 *
 * Shared means read-only: a test that changes a lake or a site works on a copy (`copyOfFixture`).
 */
import { createHash } from 'node:crypto';
import { cp, mkdir, readdir, readFile, rm, rename, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { PROJECT_ROOT } from '../../src/core/project-root.ts';
import { scaled } from './slowdown.ts';

const FIXTURES = join(PROJECT_ROOT, '.tmp', 'fixtures');
/** What a fixture can be built from: the product's inputs, the recipes and their fixture data (test files are not). */
const INPUTS = [
  'src',
  'sql',
  'data',
  'data-schemas',
  'reports',
  'package-lock.json',
  'test/support',
  'test/fixtures',
  'test/crash',
  'scripts/build.mjs',
];

async function filesUnder(path: string): Promise<string[]> {
  const info = await stat(path).catch(() => undefined);
  if (!info) return [];
  if (info.isFile()) return [path];
  const entries = await readdir(path, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

let inputsHash: Promise<string> | undefined;
/** One hash of every input file's path and bytes, computed once per test worker. */
function hashOfInputs(): Promise<string> {
  inputsHash ??= (async () => {
    const hash = createHash('sha256');
    for (const input of INPUTS)
      for (const file of await filesUnder(join(PROJECT_ROOT, input))) {
        hash.update(relative(PROJECT_ROOT, file)).update('\0');
        hash.update(await readFile(file)).update('\0');
      }
    return hash.digest('hex');
  })();
  return inputsHash;
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * The folder of fixture `name`, built by `build(folder)` if no run has built it from these inputs yet.
 * `build` writes everything the fixture holds into the folder it is given. Keep the recipe in test/support/
 * (its source is part of the key) and give each recipe its own name.
 */
export async function sharedFixture(name: string, build: (dir: string) => Promise<void>): Promise<string> {
  const key = createHash('sha256')
    .update(`${name}\0${await hashOfInputs()}`)
    .digest('hex')
    .slice(0, 16);
  const dir = join(FIXTURES, `${name}-${key}`);
  const lock = `${dir}.lock`;
  await mkdir(FIXTURES, { recursive: true });
  const deadline = Date.now() + scaled(300_000);
  for (;;) {
    if (await exists(dir)) return dir;
    try {
      await mkdir(lock);
    } catch {
      // Another worker builds it: wait, unless it died while building.
      const owner = Number(await readFile(join(lock, 'pid'), 'utf8').catch(() => ''));
      if (owner && !alive(owner)) await rm(lock, { recursive: true, force: true });
      if (Date.now() > deadline)
        throw new Error(`shared fixture ${name}: another test worker has held ${lock} too long`);
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    try {
      await writeFile(join(lock, 'pid'), String(process.pid));
      if (await exists(dir)) return dir;
      const building = join(lock, 'build');
      await mkdir(building);
      await build(building);
      await rename(building, dir);
      await removeOtherVersions(name, dir);
      return dir;
    } finally {
      await rm(lock, { recursive: true, force: true });
    }
  }
}

/** Earlier builds of the same fixture, from inputs since changed: nobody asks for them again. */
async function removeOtherVersions(name: string, keep: string): Promise<void> {
  for (const entry of await readdir(FIXTURES)) {
    const path = join(FIXTURES, entry);
    if (
      path !== keep &&
      entry.startsWith(`${name}-`) &&
      !entry.endsWith('.lock') &&
      /^[0-9a-f]{16}$/.test(entry.slice(name.length + 1))
    )
      await rm(path, { recursive: true, force: true });
  }
}

/** A private copy of a fixture's folder (or a part of it) for a test that changes it; links are kept as links. */
export async function copyOfFixture(from: string, to: string): Promise<string> {
  await cp(from, to, { recursive: true, verbatimSymlinks: true });
  return to;
}
