/**
 * A sandbox for the corpus's scenario families (paths, CLI arguments, concurrent runs): a temp folder
 * with a small bundled-data folder, the user's own files planted where a careless argument would reach
 * them, and the real CLI run in this process. `$HOME` points into the sandbox during every command, so
 * a case about the home folder never reaches the real one. Afterwards the sandbox says what the case
 * did: exit codes and messages, user files deleted or changed, and the row accounting of its lake
 * (read from the lake itself, as the input cases do).
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { curatedTables } from '../../data-schemas/curated.ts';
import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';
import { main } from '../../src/cli/main.ts';
import { readTable } from '../../src/core/lake/read-table.ts';
import type { IngestManifest } from '../../src/core/lake/manifest.ts';
import { getJson, textOf } from '../../src/core/seams/object-store.ts';
import { corpusData } from './data-folder.ts';

export interface CliRun {
  args: string[];
  code: number;
  out: string;
  err: string;
}

export interface ScenarioOutcome {
  runs: CliRun[];
  /** The user's planted files that are gone or changed afterwards. */
  userFilesDeleted: string[];
  /** A CLI run that failed with an untyped error (a bug a user would see as a stack trace). */
  crash?: string;
  /** Row accounting of the lake the case names, from its last succeeded run; absent if nothing landed. */
  rows?: { in: number; landed: number; quarantined: number; duplicates: number };
}

const sha = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

export class Sandbox {
  readonly runs: CliRun[] = [];
  private readonly planted = new Map<string, string>();
  private accounted?: string;

  private constructor(readonly root: string) {}

  static async create(): Promise<Sandbox> {
    const sandbox = new Sandbox(await mkdtemp(join(tmpdir(), 'chainwatch-scenario-')));
    await mkdir(sandbox.home);
    await sandbox.plant('home/.profile', 'export PATH=$PATH:~/bin\n');
    return sandbox;
  }

  /** The home folder every command of the case sees as $HOME. */
  get home(): string {
    return join(this.root, 'home');
  }

  path(...segments: string[]): string {
    return join(this.root, ...segments);
  }

  /** A bundled-data folder: the corpus companions and a trade file from test/corpus/bundled/ (4 good rows by default). */
  data(rel = 'data', trade = 'trade-good.csv'): Promise<string> {
    return corpusData(this.path(rel), trade);
  }

  /** A file of the user's: after the case it must still be there, byte for byte. */
  async plant(rel: string, body = `the user's own ${rel}\n`): Promise<string> {
    const path = this.path(rel);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, body);
    this.planted.set(path, sha(body));
    return path;
  }

  /** The lake whose rows the case accounts for. */
  account(lake: string): void {
    this.accounted = lake;
  }

  /** `chainwatch <args>` in this process, with $HOME in the sandbox. */
  async cli(...args: string[]): Promise<CliRun> {
    const out: string[] = [];
    const err: string[] = [];
    // Listed in the order the commands start, so concurrent cases read the same on every run.
    const run: CliRun = { args, code: Number.NaN, out: '', err: '' };
    this.runs.push(run);
    const home = process.env.HOME;
    process.env.HOME = this.home;
    let code: number;
    try {
      code = await main(
        args,
        (l) => out.push(l),
        (l) => err.push(l),
      );
    } finally {
      process.env.HOME = home;
    }
    Object.assign(run, { code, out: out.join('\n'), err: err.join('\n') });
    return run;
  }

  /** The numbers in the one row `chainwatch query --format csv` prints for `sql` on `lake`. */
  async row(lake: string, sql: string): Promise<number[]> {
    const run = await this.cli('query', sql, '--lake', lake, '--format', 'csv');
    if (run.code !== 0) throw new Error(`query failed: ${run.err}`);
    return run.out.split('\n')[1].split(',').map(Number);
  }

  /** The number in the one cell `chainwatch query --format csv` prints for `sql` on `lake`. */
  async count(lake: string, sql: string): Promise<number> {
    return (await this.row(lake, sql))[0];
  }

  async outcome(): Promise<ScenarioOutcome> {
    const userFilesDeleted: string[] = [];
    for (const [path, hash] of this.planted) {
      const now = await readFile(path).catch(() => undefined);
      if (!now || sha(now) !== hash) userFilesDeleted.push(path.slice(this.root.length + 1));
    }
    const crashed = this.runs.find((r) => /unexpected failure/.test(r.err));
    return {
      runs: this.runs,
      userFilesDeleted,
      ...(crashed ? { crash: `${crashed.args.join(' ')}: ${crashed.err}` } : {}),
      ...(this.accounted ? { rows: await accounting(this.accounted) } : {}),
    };
  }

  dispose(): Promise<void> {
    return rm(this.root, { recursive: true, force: true });
  }
}

/**
 * The lake's last succeeded run against what the lake holds: rows read (+ derived) by the run, rows in
 * the curated tables, rows in its quarantine file, exact duplicates it dropped. One source (bundled)
 * rewrites whole tables each run, so the lake's curated rows are that run's.
 */
async function accounting(lake: string): Promise<ScenarioOutcome['rows']> {
  const store = new FolderObjectStore(lake);
  const manifests: IngestManifest[] = [];
  for (const key of await store.list('_runs/')) {
    const m = await getJson<IngestManifest>(store, key);
    if (m?.outcome === 'succeeded') manifests.push(m);
  }
  const last = manifests.sort((a, b) => (a.finishedAt < b.finishedAt ? -1 : 1)).at(-1);
  if (!last) return undefined;
  const runs = Object.values(last.sources);
  let landed = 0;
  for (const table of curatedTables) landed += (await readTable(store, table)).length;
  let quarantined = 0;
  for (const r of runs) {
    if (r.quarantineKey)
      quarantined += textOf((await store.get(r.quarantineKey))!)
        .trim()
        .split('\n').length;
  }
  return {
    in: runs.reduce((n, r) => n + r.rowsIn + r.rowsDerived, 0),
    landed,
    quarantined,
    duplicates: runs.reduce((n, r) => n + r.rowsDuplicate, 0),
  };
}
