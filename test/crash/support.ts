/**
 * Shared by the fault-injection and kill tests: small real datasets (subsets of data/bundled, so no
 * number is made up), snapshots of a lake or site folder, the readers' view of a lake, leftovers of
 * interrupted writers, a store that fails or dies on cue, and child processes to kill.
 */
import type { Dirent } from 'node:fs';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { allTables } from '../../data-schemas/index.ts';
import { DuckDBQueryEngine } from '../../src/adapters/duckdb-engine/duckdb-engine.ts';
import { readTable } from '../../src/core/lake/read-table.ts';
import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';
import { sharedFixture } from '../support/shared-fixture.ts';
import { CLI_BUILD } from '../../scripts/build.mjs';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BUNDLED = join(REPO, 'data', 'bundled');

/**
 * Two small bundled data folders, both cut from data/bundled: `b` is rare-earth trade (HS 280530,
 * 284610) and production; `a`, an older state of it, lacks the years from 2023 on and some partners,
 * so ingesting `b` over `a` changes, adds and keeps partitions.
 */
export async function smallData(dir: string, variant: 'a' | 'b'): Promise<string> {
  await mkdir(dir, { recursive: true });
  await cp(join(BUNDLED, 'SOURCES.md'), join(dir, 'SOURCES.md'));
  const lines = async (file: string) =>
    (await readFile(join(BUNDLED, file), 'utf8')).split('\n').filter((l) => l !== '');
  const keep = async (file: string, rowFilter: (line: string) => boolean) => {
    const [header, ...rows] = await lines(file);
    await writeFile(join(dir, file), [header, ...rows.filter(rowFilter)].join('\n') + '\n');
  };
  const older = (line: string) =>
    variant === 'b' || (Number(line.split(',')[2]) < 2023 && !/,(392|410|490),/.test(line));
  await keep('us_imports_by_partner_hs6.csv', (l) => /^[a-z_]+,(280530|284610),/.test(l) && older(l));
  await keep(
    'usgs_mcs2026_world_production.csv',
    (l) => l.includes('rare-earths') && (variant === 'b' || !l.includes(',2025,')),
  );
  await keep('rare_earths.csv', (l) => variant === 'b' || !l.includes(',2024,'));
  return dir;
}

/**
 * A copy of a site or bucket folder made of hard links (links kept as links, as `cp -a` does). Safe for
 * what the kill tests run on it: the folder store and the site folder never rewrite a file in place — they
 * write a temp file or a new build folder and rename it into place, and delete by unlinking — so nothing
 * a killed or completed publish does to the copy reaches the original, and twenty copies of a site cost
 * no more than their folders.
 */
export const linkCopy = (from: string, to: string): void => {
  execFileSync('cp', ['-al', from, to]);
};

/** Digests by inode, size and modification time, shared by every snapshot of this test file's folders. */
const digests = new Map<string, string>();

/**
 * The SHA-256 of a file's bytes, or undefined when there is no file. No writer under test rewrites a file
 * in place (see `linkCopy`), so a file with the same inode, size and modification time has the same bytes:
 * a hard-linked copy's files are read and hashed once, not after every kill.
 */
export async function fileDigest(path: string): Promise<string | undefined> {
  const file = await stat(path, { bigint: true }).catch(() => undefined);
  if (!file?.isFile()) return undefined;
  const id = `${file.dev}:${file.ino}:${file.size}:${file.mtimeNs}`;
  let digest = digests.get(id);
  if (digest === undefined) {
    digest = createHash('sha256')
      .update(await readFile(path))
      .digest('hex');
    digests.set(id, digest);
  }
  return digest;
}

/** Every file under a folder (relative, '/'-separated) → SHA-256 of its bytes. */
export async function snapshot(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (dir: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const full = join(dir, e.name);
      if (e.isDirectory()) await walk(full);
      else out.set(relative(root, full).split(sep).join('/'), (await fileDigest(full)) ?? 'missing');
    }
  };
  await walk(root);
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : 1)));
}

export const only = (files: Map<string, string>, prefix: string): Map<string, string> =>
  new Map([...files].filter(([k]) => k.startsWith(prefix)));

/** What a reader trusts: the curated tables (readers never list `*.tmp-*` files or `_staging/`). */
export const curatedFiles = async (lake: string): Promise<Map<string, string>> =>
  new Map([...only(await snapshot(lake), 'curated/')].filter(([k]) => !k.includes('.tmp-')));

/** Files an interrupted writer left behind: temp files of the folder store, staged commits. */
export async function leftovers(lake: string): Promise<string[]> {
  return [...(await snapshot(lake)).keys()].filter((k) => k.includes('.tmp-') || k.startsWith('_staging/'));
}

/**
 * Every lake table opens for both readers the project has: the pure-JS reader the report uses and
 * DuckDB views (the analysts' and the metrics step's). Returns the row count per table.
 */
export async function readableCounts(lake: string): Promise<Record<string, number>> {
  const store = new FolderObjectStore(lake);
  const counts: Record<string, number> = {};
  for (const table of allTables) counts[table.name] = (await readTable(store, table)).length;
  const engine = await DuckDBQueryEngine.create({ lakeRoot: lake, store });
  try {
    for (const table of allTables) {
      const { rows } = await engine.query(`SELECT COUNT(*) AS n FROM "${table.name}"`);
      expect(Number(rows[0].n), `DuckDB and the JS reader agree on ${table.name}`).toBe(counts[table.name]);
    }
  } finally {
    await engine.close();
  }
  return counts;
}

/** Seeded uniform [0, 1) (mulberry32): the same seed gives the same kill delays on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Where in a run kill `seed` (1..`kills`) lands, as a fraction [0, 1) of the run: a seeded random point
 * inside the seed's own slice of `kills` equal slices. The kills cover the whole run evenly, so a dozen
 * find every part of it where twenty uniform points left gaps and clumps.
 */
export const killPoint = (seed: number, kills: number): number => (seed - 1 + seeded(seed)()) / kills;

export interface Child {
  process: ChildProcess;
  /** Resolves when a stdout line matches (with the time it arrived), rejects if the child exits first. */
  line(pattern: RegExp): Promise<number>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Spawn `node <args>` from the repository root, reading its output line by line. */
export function spawnNode(args: string[], env: Record<string, string> = {}): Child {
  const child = spawn(process.execPath, args, {
    cwd: REPO,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiting: { pattern: RegExp; resolve: (t: number) => void; reject: (e: Error) => void }[] = [];
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const w of [...waiting]) {
      if (w.pattern.test(stdout)) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve(performance.now());
      }
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>(
    (resolve) =>
      child.once('exit', (code, signal) => {
        for (const w of waiting.splice(0))
          w.reject(new Error(`child exited (${code ?? signal}) before printing ${w.pattern}:\n${stdout}\n${stderr}`));
        resolve({ code, signal, stdout, stderr });
      }),
  );
  return {
    process: child,
    exited,
    line: (pattern) =>
      pattern.test(stdout)
        ? Promise.resolve(performance.now())
        : new Promise((resolve, reject) => waiting.push({ pattern, resolve, reject })),
  };
}

export interface BundledChild {
  /** `node` arguments for one run of the child. */
  args: (...args: string[]) => string[];
  /** The environment it needs: where the project's shipped files are (as in a Lambda bundle). */
  env: Record<string, string>;
}

/**
 * test/crash/child.ts bundled with esbuild, as the CLI is: ES modules split into chunks, so a child loads
 * only its step's code (0.15 s of CPU to start, against 0.75 s for one 7 MB file), which matters when the
 * kill tests start it a hundred times. Bundled once per change of the sources and shared by every test
 * file (test/support/shared-fixture.ts). Like a Lambda bundle it finds data, SQL and the stylesheet under
 * LAMBDA_TASK_ROOT; the native DuckDB module stays outside (as in the Lambdas' externals), found in the
 * checkout's node_modules above the fixture folder.
 */
export async function bundleChild(): Promise<BundledChild> {
  const dir = await sharedFixture('crash-child', async (out) => {
    const { build } = await import('esbuild');
    // The CLI's build, with the packages bundled too (one chunk loads faster than their files), DuckDB's aside.
    await build({
      ...CLI_BUILD,
      entryPoints: { child: join(REPO, 'test', 'crash', 'child.ts') },
      outdir: out,
      outExtension: { '.js': '.mjs' },
      external: ['@duckdb/*'],
      sourcemap: false,
      logLevel: 'error',
    });
  });
  return { args: (...args) => [join(dir, 'child.mjs'), ...args], env: { LAMBDA_TASK_ROOT: REPO } };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
