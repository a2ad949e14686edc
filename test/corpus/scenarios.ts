/**
 * The corpus's scenario families: careless and hostile command lines rather than bad input files.
 * `paths`: lake, site and data folders whose names hold glob characters, quotes, spaces, non-ASCII and
 * line breaks; `cli`: arguments that point the site or the lake at the user's own folders, and analyst SQL
 * that tries to write or read outside the lake; `concurrent`: two writers on one lake, and what a killed
 * or overlapping run leaves behind. Each case runs the real CLI in a sandbox (test/corpus/sandbox.ts) and
 * checks what it must; the corpus test then checks for every case that no user file was deleted, no
 * command crashed and every row its lake read is accounted for.
 */
import { createHash } from 'node:crypto';
import { cpSync } from 'node:fs';
import { mkdir, readdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { expect } from 'vitest';
import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';
import { recoverSource, runIngest } from '../../src/core/ingest/ingest.ts';
import { LAKE_MARKER, LEASE_KEY, PART_FILE } from '../../src/core/lake/layout.ts';
import type { IngestManifest } from '../../src/core/lake/manifest.ts';
import { PROJECT_ROOT } from '../../src/core/project-root.ts';
import { getJson } from '../../src/core/seams/object-store.ts';
import { hookedStore } from '../crash/hooked-store.ts';
import { Sandbox } from './sandbox.ts';

type Family = 'paths' | 'cli' | 'concurrent';

export interface ScenarioCase {
  id: string;
  family: Family;
  /** What the careless or hostile user does. */
  what: string;
  /** What must happen, in a few words (RESULTS.md). */
  expected: string;
  run: (sb: Sandbox) => Promise<void>;
}

const TRADE = `curated/trade_flows/source=bundled/year=2021/month=0/${PART_FILE}`;
const COUNT_TRADE = 'SELECT count(*) AS n FROM trade_flows';
/** A pid far above Linux's pid_max: no process has it. */
const DEAD_PID = 999_999_999;

const ok = (run: { code: number; err: string }) => expect(run.code, run.err).toBe(0);
/** A refusal: the exit code, one line of reason and one of what to do, matching `reason`. */
const refused = (run: { code: number; err: string }, code: number, reason: RegExp) => {
  expect(run.code, run.err).toBe(code);
  // After any warnings: "chainwatch: <reason>" and, last, "  → <what to do>".
  expect(run.err).toMatch(/(^|\n)chainwatch: \S/);
  expect(run.err).toMatch(/\n {2}→ \S[^\n]*$/);
  expect(run.err).toMatch(reason);
};

/** Ingest the sandbox's small data (4 trade rows) into `lake` and account for its rows. */
async function ingested(sb: Sandbox, lake: string, data?: string): Promise<void> {
  ok(await sb.cli('ingest', '--lake', lake, '--data', data ?? (await sb.data())));
  sb.account(lake);
}

/**
 * Lakes the cases only start from: one to query, to report from or to plant a lock or a leftover in, and the decoy
 * beside an awkward name. Each is made once by the same commands in a sandbox of its own, then copied into each case's
 * sandbox (a lake holds no path of its own), so each case still runs against a lake of its own and lists only its own
 * commands. What a case is about, an ingest into an awkward path included, it runs itself.
 */
type PreparedLake = 'ingested' | 'measured' | 'decoy';
const PREPARE: Record<PreparedLake, (own: Sandbox, lake: string) => Promise<void>> = {
  ingested: (own, lake) => ingested(own, lake),
  /** A lake a report can be built from: the ingested one, then its metrics. */
  measured: async (own, lake) => {
    await copyOf('ingested', lake);
    ok(await own.cli('metrics', '--lake', lake));
  },
  /** From a 3-row trade file: a glob that matched it would read the wrong numbers. */
  decoy: async (own, lake) => {
    ok(await own.cli('ingest', '--lake', lake, '--data', await own.data('data', 'trade-truncated-mid-row.csv')));
    expect(await own.count(lake, COUNT_TRADE)).toBe(3);
  },
};
const prepared = new Map<PreparedLake, Promise<Sandbox>>();

/** A copy of the `kind` lake at `lake`, made first if no case has needed one yet. */
async function copyOf(kind: PreparedLake, lake: string): Promise<void> {
  let own = prepared.get(kind);
  if (!own) {
    own = Sandbox.create().then(async (sb) => {
      await PREPARE[kind](sb, sb.path('lake'));
      return sb;
    });
    prepared.set(kind, own);
  }
  // Not fs/promises' cp: for a lake's ~150 files and folders it took 2-3 times cpSync's CPU (~150 ms).
  cpSync((await own).path('lake'), lake, { recursive: true });
}

/** A copy of the `kind` lake at `lake`, its rows accounted for in the case's sandbox. */
async function accountedCopy(sb: Sandbox, kind: PreparedLake, lake: string): Promise<void> {
  await copyOf(kind, lake);
  sb.account(lake);
}

/** What `ingested` leaves (the sandbox's data folder and a lake of its rows, accounted for), the lake a copy. */
async function ingestedCopy(sb: Sandbox, lake: string): Promise<void> {
  await sb.data();
  await accountedCopy(sb, 'ingested', lake);
}

/**
 * Remove the prepared lakes' sandboxes: call once the cases have run. (At the process's exit would be too late: a
 * test worker ends by a signal, without running exit handlers, and each run left one in the temp folder.)
 */
export async function disposePreparedLakes(): Promise<void> {
  const own = await Promise.all([...prepared.values()].map((p) => p.catch(() => undefined)));
  prepared.clear();
  await Promise.all(own.map((sb) => sb?.dispose()));
}

/** A lake at an awkward name, beside a decoy its name would match as a glob: every step reads its own rows. */
const lakeNamed = (id: string, name: string, decoy: string | undefined, what: string): ScenarioCase => ({
  id,
  family: 'paths',
  what,
  expected: 'exit 0; query reads this lake’s 4 rows, not the decoy’s 3',
  async run(sb) {
    if (decoy) await copyOf('decoy', sb.path('runs', decoy));
    const lake = sb.path('runs', name);
    await ingested(sb, lake);
    expect(
      await sb.row(lake, "SELECT count(*), count(*) FILTER (WHERE partner_iso3 = 'JPN') FROM trade_flows"),
    ).toEqual([4, 1]);
  },
});

/** The lease of another writer, planted as that writer would have written it. */
async function plantLease(lake: string, record: Record<string, unknown>): Promise<void> {
  await mkdir(join(lake, '_lease'), { recursive: true });
  await writeFile(join(lake, LEASE_KEY), JSON.stringify(record));
}
const liveHolder = () => ({
  id: 'other',
  holder: 'chainwatch ingest',
  pid: process.pid,
  host: hostname(),
  startedAt: new Date().toISOString(),
  expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
});

const manifests = async (lake: string): Promise<IngestManifest[]> => {
  const store = new FolderObjectStore(lake);
  return Promise.all((await store.list('_runs/')).map(async (k) => (await getJson<IngestManifest>(store, k))!));
};

/** Every folder under `dir` that holds nothing. */
async function emptyFolders(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  const empty: string[] = [];
  for (const e of entries.filter((e) => e.isDirectory())) {
    const path = join(e.parentPath, e.name);
    if ((await readdir(path)).length === 0) empty.push(path);
  }
  return empty;
}

/** An analyst statement the read-only session must refuse, leaving the lake as it was. */
const refusedSql = (id: string, sql: (lake: string) => string, what: string, reason: RegExp): ScenarioCase => ({
  id,
  family: 'cli',
  what,
  expected: 'exit 1: refused, the lake unchanged',
  async run(sb) {
    const lake = sb.path('lake');
    await accountedCopy(sb, 'measured', lake);
    const before = await snapshot(lake);
    refused(await sb.cli('query', sql(lake), '--lake', lake), 1, reason);
    expect(await snapshot(lake)).toEqual(before);
    expect(await sb.count(lake, COUNT_TRADE)).toBe(4);
  },
});

/** Every folder and file under `dir`, files with a hash of their bytes: to show that nothing changed. */
async function snapshot(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return Promise.all(
    entries.map(async (e) => {
      const path = join(e.parentPath, e.name);
      const rel = path.slice(dir.length);
      return e.isDirectory()
        ? `${rel}/`
        : `${rel} ${createHash('sha256')
            .update(await readFile(path))
            .digest('hex')}`;
    }),
  ).then((all) => all.sort());
}
const NOT_A_READ = /Only a single read query runs here/;
const OUTSIDE_LAKE =
  /file system operations are disabled by configuration[\s\S]*reads the lake tables and nothing else/;

/** `--out` at a folder the site must never replace: refused before anything runs, the folder as it was. */
const outRefused = (
  id: string,
  what: string,
  reason: RegExp,
  out: (sb: Sandbox, paths: { lake: string; data: string }) => Promise<string> | string,
): ScenarioCase => ({
  id,
  family: 'cli',
  what,
  expected: 'exit 2 before anything runs; nothing deleted',
  async run(sb) {
    const data = await sb.data('in/data');
    const lake = sb.path('work', 'lake');
    await sb.plant('work/notes.txt');
    const target = await out(sb, { lake, data });
    refused(await sb.cli('run', '--lake', lake, '--data', data, '--out', target), 2, reason);
    // Refused before the run: the lake was not even created.
    expect(await readdir(lake).catch(() => 'none')).toBe('none');
  },
});

export const SCENARIOS: ScenarioCase[] = [
  // ── paths ──────────────────────────────────────────────────────────────────────────────────────
  lakeNamed('lake-brackets', 'lake[1]', 'lake1', '--lake runs/lake[1] beside a lake runs/lake1'),
  lakeNamed('lake-star', 'a*b', 'aXb', '--lake runs/a*b beside a lake runs/aXb'),
  lakeNamed('lake-question-mark', 'a?b', 'a_b', '--lake runs/a?b beside a lake runs/a_b'),
  lakeNamed('lake-negated-class', '[!x]', 'y', '--lake "runs/[!x]" beside a lake runs/y'),
  lakeNamed('lake-braces', '{a,b}', 'a', '--lake "runs/{a,b}" beside a lake runs/a'),
  lakeNamed('lake-closing-bracket', 'x]y', undefined, '--lake "runs/x]y"'),
  lakeNamed('lake-spaces', 'my chainwatch lake', undefined, '--lake with spaces'),
  lakeNamed('lake-quotes', `it's "the" lake`, undefined, `--lake with ' and " in its name`),
  lakeNamed('lake-non-ascii', 'Löwe 湖 ✓', undefined, '--lake with non-ASCII letters'),
  lakeNamed('lake-line-break', 'two\nlines', undefined, '--lake with a line break in its name'),
  {
    id: 'lake-glob-metrics',
    family: 'paths',
    what: 'metrics over runs/lake[1] beside runs/lake1 (the metric SQL reads the lake through file patterns)',
    expected: 'exit 0; the metric tables are this lake’s',
    async run(sb) {
      await copyOf('decoy', sb.path('runs', 'lake1'));
      const lake = sb.path('runs', 'lake[1]');
      await ingested(sb, lake);
      ok(await sb.cli('metrics', '--lake', lake));
      expect(await sb.count(lake, 'SELECT sum(n_suppliers) FROM concentration')).toBe(3);
      expect(await sb.count(sb.path('runs', 'lake1'), 'SELECT count(*) FROM concentration')).toBe(0);
    },
  },
  {
    id: 'lake-backslash',
    family: 'paths',
    what: '--lake with a backslash in its name (DuckDB cannot match one literally)',
    expected: 'ingest exit 0; query exit 2 with what to do; nothing read approximately',
    async run(sb) {
      await copyOf('decoy', sb.path('runs', 'aXb'));
      const lake = sb.path('runs', 'a\\b');
      await ingested(sb, lake);
      refused(await sb.cli('query', COUNT_TRADE, '--lake', lake), 2, /holds a backslash[\s\S]*Rename the folder/);
      refused(await sb.cli('metrics', '--lake', lake), 2, /holds a backslash/);
    },
  },
  {
    id: 'export-views-brackets',
    family: 'paths',
    what: 'export-views of runs/lake[1] (beside runs/lake1), run in a plain DuckDB',
    expected: 'the script reads this lake’s rows',
    async run(sb) {
      await copyOf('decoy', sb.path('runs', 'lake1'));
      const lake = sb.path('runs', 'lake[1]');
      await ingested(sb, lake);
      const views = await sb.cli('export-views', '--lake', lake);
      ok(views);
      const instance = await DuckDBInstance.create(':memory:');
      const connection = await instance.connect();
      try {
        await connection.run(views.out);
        const reader = await connection.runAndReadAll('SELECT count(*)::INTEGER FROM trade_flows');
        expect(reader.getRowsJS()[0][0]).toBe(4);
      } finally {
        connection.closeSync();
        instance.closeSync();
      }
    },
  },
  ...[
    ['data-brackets', 'data[1]', 'data1'],
    ['data-star', 'd*', 'dX'],
    ['data-quotes-spaces-non-ascii', `Dätä "bundled" 'x'`, undefined],
    ['data-question-braces', 'd?{a,b}', 'dXa'],
  ].map(
    ([id, name, decoy]): ScenarioCase => ({
      id: id!,
      family: 'paths',
      what: `--data "${name}"${decoy ? ` beside a data folder ${decoy} with other rows` : ''}`,
      expected: 'exit 0; lands this folder’s rows',
      async run(sb) {
        if (decoy) await sb.data(decoy, 'trade-truncated-mid-row.csv');
        const lake = sb.path('lake');
        await ingested(sb, lake, await sb.data(name));
        expect(await sb.count(lake, COUNT_TRADE)).toBe(4);
      },
    }),
  ),
  ...[
    ['out-brackets', 'site[1]', 'site1'],
    ['out-quotes-non-ascii', `Bericht "2026" ü`, undefined],
    ['out-star-question', 'out*?', 'outXY'],
    ['out-braces-spaces', 'my site {a,b}', 'my site a'],
  ].map(
    ([id, name, decoy]): ScenarioCase => ({
      id: id!,
      family: 'paths',
      what: `--out "${name}"${decoy ? ` beside the user's folder ${decoy}` : ''}`,
      expected: 'exit 0; the site is built there; the neighbour untouched',
      async run(sb) {
        if (decoy) await sb.plant(`${decoy}/index.html`, '<p>my own page</p>');
        const lake = sb.path('lake');
        await accountedCopy(sb, 'measured', lake);
        ok(await sb.cli('report', '--lake', lake, '--out', sb.path(name!)));
        expect(await readFile(sb.path(name!, 'index.html'), 'utf8')).toMatch(/<html/);
      },
    }),
  ),

  // ── cli: --out ─────────────────────────────────────────────────────────────────────────────────
  {
    id: 'out-user-folder',
    family: 'cli',
    what: '--out ~/Documents: a folder of the user’s files',
    expected: 'exit 2 before anything runs; the files untouched',
    async run(sb) {
      await sb.plant('home/Documents/taxes.pdf');
      await sb.plant('home/Documents/photos/cat.jpg');
      const data = await sb.data();
      refused(
        await sb.cli('run', '--lake', sb.path('lake'), '--data', data, '--out', sb.path('home', 'Documents')),
        2,
        /is a folder chainwatch did not make \(it holds "photos", "taxes\.pdf" and no \.chainwatch-site\)[\s\S]*new or empty folder/,
      );
    },
  },
  {
    id: 'out-user-folder-report',
    family: 'cli',
    what: 'report --out at a folder holding one user file',
    expected: 'exit 2; the file untouched',
    async run(sb) {
      const lake = sb.path('lake');
      await ingestedCopy(sb, lake);
      await sb.plant('web/notes.md');
      refused(await sb.cli('report', '--lake', lake, '--out', sb.path('web')), 2, /chainwatch did not make/);
    },
  },
  outRefused('out-home', '--out $HOME', /--out .* is your home folder/, (sb) => sb.home),
  outRefused('out-above-home', '--out at the folder above $HOME', /a folder above your home folder/, (sb) => sb.root),
  outRefused('out-root', '--out /', /--out \/ is a folder above the chainwatch checkout/, () => '/'),
  outRefused('out-checkout', '--out <the chainwatch checkout>', /is the chainwatch checkout/, () => PROJECT_ROOT),
  outRefused('out-dot', '--out . (from the checkout)', /--out \. is the chainwatch checkout/, () => '.'),
  outRefused('out-empty-string', "--out '' (the current folder)", /--out {2}is the chainwatch checkout/, () => ''),
  outRefused('out-is-lake', '--out at the lake', /is the lake/, (_sb, p) => p.lake),
  outRefused('out-above-lake', '--out at the folder holding the lake', /a folder above the lake/, (sb) =>
    sb.path('work'),
  ),
  outRefused('out-inside-lake', '--out inside the lake', /is inside the lake/, (_sb, p) => join(p.lake, 'site')),
  outRefused('out-is-data', '--out at the data folder', /is the data folder/, (_sb, p) => p.data),
  {
    id: 'out-above-data',
    family: 'cli',
    what: '--out at the folder that holds the data folder',
    expected: 'exit 2; nothing deleted',
    async run(sb) {
      const data = await sb.data('inputs/bundled');
      refused(
        await sb.cli('run', '--lake', sb.path('lake'), '--data', data, '--out', sb.path('inputs')),
        2,
        /a folder above the data folder/,
      );
    },
  },
  {
    id: 'out-file',
    family: 'cli',
    what: '--out at a file',
    expected: 'exit 2; the file untouched',
    async run(sb) {
      const lake = sb.path('lake');
      await ingestedCopy(sb, lake);
      refused(await sb.cli('report', '--lake', lake, '--out', await sb.plant('report.pdf')), 2, /is a file/);
    },
  },
  {
    id: 'out-link-elsewhere',
    family: 'cli',
    what: '--out at a link to the user’s folder',
    expected: 'exit 2; the link and its folder untouched',
    async run(sb) {
      const lake = sb.path('lake');
      await ingestedCopy(sb, lake);
      await sb.plant('photos/cat.jpg');
      await symlink('photos', sb.path('site'));
      refused(await sb.cli('report', '--lake', lake, '--out', sb.path('site')), 2, /a link to "photos"/);
      expect(await readlink(sb.path('site'))).toBe('photos');
    },
  },
  {
    id: 'out-plain-old-site',
    family: 'cli',
    what: '--out at a plain site folder (index.html, releases/) without a marker',
    expected: 'exit 2: only a marked or empty folder is replaced',
    async run(sb) {
      const lake = sb.path('lake');
      await ingestedCopy(sb, lake);
      await sb.plant('site/index.html', '<html>old</html>');
      await sb.plant('site/releases/2026-01/index.html', '<html>old</html>');
      refused(await sb.cli('report', '--lake', lake, '--out', sb.path('site')), 2, /chainwatch did not make/);
    },
  },
  {
    id: 'out-empty-folder',
    family: 'cli',
    what: '--out at an empty folder',
    expected: 'exit 0; the folder becomes the site link',
    async run(sb) {
      const lake = sb.path('lake');
      await accountedCopy(sb, 'measured', lake);
      await mkdir(sb.path('site'));
      ok(await sb.cli('report', '--lake', lake, '--out', sb.path('site')));
      expect(await readlink(sb.path('site'))).toMatch(/^\.site\.build-\d+-[0-9a-f]+$/);
    },
  },
  {
    id: 'out-own-site-again',
    family: 'cli',
    what: 'report twice into the site chainwatch made, beside the user’s lookalike folder',
    expected: 'exit 0 twice; the lookalike folder (no marker) untouched',
    async run(sb) {
      const lake = sb.path('lake');
      await accountedCopy(sb, 'measured', lake);
      await sb.plant(`.site.build-${DEAD_PID}-0000cafe/mine.txt`);
      ok(await sb.cli('report', '--lake', lake, '--out', sb.path('site')));
      ok(await sb.cli('report', '--lake', lake, '--out', sb.path('site')));
      const builds = (await readdir(sb.root)).filter((n) => n.startsWith('.site.build-'));
      expect(builds).toHaveLength(3);
    },
  },
  {
    id: 'out-pre-marker-link',
    family: 'cli',
    what: '--out at a site an earlier chainwatch linked before builds were marked',
    expected: 'exit 0; recognised by its layout, marked, replaced',
    async run(sb) {
      const lake = sb.path('lake');
      await accountedCopy(sb, 'measured', lake);
      const old = `.site.build-${DEAD_PID}-00c0ffee`;
      await mkdir(sb.path(old));
      await writeFile(sb.path(old, 'index.html'), '<html>earlier</html>');
      await symlink(old, sb.path('site'));
      ok(await sb.cli('report', '--lake', lake, '--out', sb.path('site')));
      expect(await readdir(sb.path(old))).toContain('.chainwatch-site');
      expect(await readFile(sb.path('site', 'index.html'), 'utf8')).not.toMatch(/earlier/);
    },
  },

  // ── cli: --lake ────────────────────────────────────────────────────────────────────────────────
  {
    id: 'lake-user-folder',
    family: 'cli',
    what: '--lake ~/Documents: a folder of the user’s files',
    expected: 'exit 2; nothing written, nothing deleted',
    async run(sb) {
      await sb.plant('home/Documents/taxes.pdf');
      refused(
        await sb.cli('ingest', '--lake', sb.path('home', 'Documents'), '--data', await sb.data()),
        2,
        /is not a chainwatch lake: it holds "taxes\.pdf" and no _chainwatch-lake\.json[\s\S]*new or empty folder/,
      );
      expect(await readdir(sb.path('home', 'Documents'))).toEqual(['taxes.pdf']);
    },
  },
  {
    id: 'lake-temp-lookalike',
    family: 'cli',
    what: '--lake at a folder holding a file named like a dead writer’s temp file',
    expected: 'exit 2; the file untouched',
    async run(sb) {
      await sb.plant(`work/draft.txt.tmp-${DEAD_PID}-abc`);
      refused(await sb.cli('ingest', '--lake', sb.path('work'), '--data', await sb.data()), 2, /not a chainwatch lake/);
    },
  },
  {
    id: 'lake-home',
    family: 'cli',
    what: '--lake $HOME',
    expected: 'exit 2; nothing written',
    async run(sb) {
      refused(await sb.cli('metrics', '--lake', sb.home), 2, /not a chainwatch lake: it holds "\.profile"/);
      expect(await readdir(sb.home)).toEqual(['.profile']);
    },
  },
  {
    id: 'lake-checkout',
    family: 'cli',
    what: '--lake . (the checkout)',
    expected: 'exit 2; nothing written to the checkout',
    async run(sb) {
      refused(await sb.cli('ingest', '--lake', '.', '--data', await sb.data()), 2, /not a chainwatch lake/);
    },
  },
  {
    id: 'lake-file',
    family: 'cli',
    what: '--lake at a file',
    expected: 'exit 2; the file untouched',
    async run(sb) {
      refused(await sb.cli('ingest', '--lake', await sb.plant('lake.txt'), '--data', await sb.data()), 2, /is a file/);
    },
  },
  {
    id: 'lake-half-layout',
    family: 'cli',
    what: '--lake at a folder with a curated/ folder but no run manifests',
    expected: 'exit 2: not recognised as a lake',
    async run(sb) {
      await sb.plant('maybe/curated/readme.txt');
      refused(
        await sb.cli('ingest', '--lake', sb.path('maybe'), '--data', await sb.data()),
        2,
        /not a chainwatch lake/,
      );
    },
  },
  {
    id: 'lake-empty-folder',
    family: 'cli',
    what: '--lake at an empty folder',
    expected: 'exit 0; the folder becomes a marked lake',
    async run(sb) {
      await mkdir(sb.path('lake'));
      await ingested(sb, sb.path('lake'));
      expect(await readdir(sb.path('lake'))).toContain(LAKE_MARKER);
    },
  },
  {
    id: 'lake-pre-marker',
    family: 'cli',
    what: '--lake at a lake an earlier chainwatch made (no marker)',
    expected: 'exit 0; recognised by its layout and marked, with a message',
    async run(sb) {
      const lake = sb.path('lake');
      await ingestedCopy(sb, lake);
      await rm(join(lake, LAKE_MARKER));
      const again = await sb.cli('ingest', '--lake', lake, '--data', sb.path('data'));
      ok(again);
      expect(again.out).toMatch(/made by an earlier chainwatch: marked as a chainwatch lake/);
      expect(await readdir(lake)).toContain(LAKE_MARKER);
    },
  },
  {
    id: 'no-staging-debris',
    family: 'cli',
    what: 'ingest twice, then metrics: what is left under the lake',
    expected: 'no _staging/, no empty folder, no lease',
    async run(sb) {
      const lake = sb.path('lake');
      await ingested(sb, lake);
      await ingested(sb, lake);
      ok(await sb.cli('metrics', '--lake', lake));
      expect(await readdir(lake)).not.toContain('_staging');
      expect(await readdir(lake)).not.toContain('_lease');
      expect(await emptyFolders(lake)).toEqual([]);
    },
  },
  {
    id: 'wait-not-a-number',
    family: 'cli',
    what: '--wait soon',
    expected: 'exit 2',
    async run(sb) {
      refused(await sb.cli('ingest', '--lake', sb.path('lake'), '--wait', 'soon'), 2, /--wait "soon" is not a number/);
    },
  },

  // ── cli: analyst SQL ───────────────────────────────────────────────────────────────────────────
  refusedSql(
    'sql-copy-over-curated',
    (lake) => `COPY (SELECT 1 AS x) TO '${join(lake, TRADE).replace(/'/g, "''")}' (FORMAT parquet)`,
    'COPY … TO over a curated file (the next report would publish it)',
    /this is a COPY statement/,
  ),
  refusedSql('sql-read-passwd', () => "SELECT * FROM read_csv('/etc/passwd')", "read_csv('/etc/passwd')", OUTSIDE_LAKE),
  refusedSql('sql-glob', () => "SELECT * FROM glob('/etc/*')", "glob('/etc/*')", OUTSIDE_LAKE),
  refusedSql(
    'sql-read-text-manifest',
    (lake) => `SELECT * FROM read_text('${join(lake, '_runs', '*.json').replace(/'/g, "''")}')`,
    'read_text of the lake’s run manifests (outside the tables)',
    OUTSIDE_LAKE,
  ),
  refusedSql(
    'sql-path-traversal',
    (lake) => `SELECT * FROM read_csv('${join(lake, 'curated').replace(/'/g, "''")}/../../../../../../etc/passwd')`,
    'read_csv of curated/../../…/etc/passwd',
    OUTSIDE_LAKE,
  ),
  refusedSql(
    'sql-set',
    () => 'SET enable_external_access = true',
    'SET enable_external_access = true',
    /a SET statement/,
  ),
  refusedSql('sql-attach', () => "ATTACH '/tmp/chainwatch-attack.db' AS x", 'ATTACH a database file', NOT_A_READ),
  refusedSql('sql-install', () => 'INSTALL httpfs', 'INSTALL an extension', NOT_A_READ),
  refusedSql('sql-load', () => 'LOAD httpfs', 'LOAD an extension', NOT_A_READ),
  refusedSql('sql-create', () => 'CREATE TABLE t AS SELECT 1', 'CREATE TABLE', /a CREATE statement/),
  refusedSql(
    'sql-pragma',
    () => "PRAGMA memory_limit = '1GB'",
    'a PRAGMA that changes a setting',
    /a PRAGMA statement/,
  ),
  refusedSql(
    'sql-two-statements',
    () => "SELECT 1; COPY (SELECT 1) TO '/tmp/chainwatch-attack.csv'",
    'a read followed by a COPY in one argument',
    /this is 2 statements/,
  ),
  refusedSql(
    'sql-export-database',
    (lake) => `EXPORT DATABASE '${join(lake, 'metrics', 'dump').replace(/'/g, "''")}'`,
    'EXPORT DATABASE into the lake’s metrics folder',
    /this is an EXPORT statement/,
  ),
  refusedSql(
    'sql-insert',
    () => 'INSERT INTO trade_flows SELECT * FROM trade_flows',
    'INSERT into a table',
    /an INSERT statement/,
  ),
  refusedSql('sql-update', () => 'UPDATE trade_flows SET year = 1999', 'UPDATE a table', /an UPDATE statement/),
  refusedSql('sql-delete', () => 'DELETE FROM trade_flows', 'DELETE from a table', /a DELETE statement/),
  refusedSql('sql-drop', () => 'DROP VIEW trade_flows', 'DROP a table’s view', /a DROP statement/),
  refusedSql('sql-call', () => 'CALL pragma_version()', 'CALL a table function', /a CALL statement/),
  refusedSql(
    'sql-explain',
    () => `EXPLAIN ANALYZE ${COUNT_TRADE}`,
    'EXPLAIN ANALYZE (it runs the query)',
    /an EXPLAIN statement/,
  ),
  refusedSql('sql-use', () => 'USE system', 'USE another catalog', /a USE statement/),
  refusedSql(
    'sql-read-url',
    () => "SELECT * FROM read_csv('http://127.0.0.1:9/x.csv')",
    'read_csv of a URL (a download)',
    OUTSIDE_LAKE,
  ),
  {
    id: 'sql-describe-summarize-show',
    family: 'cli',
    what: 'DESCRIBE, SUMMARIZE and SHOW TABLES (reads that are allowed)',
    expected: 'exit 0 each',
    async run(sb) {
      const lake = sb.path('lake');
      await ingestedCopy(sb, lake);
      const query = (sql: string) => sb.cli('query', sql, '--lake', lake, '--format', 'csv');
      const describe = await query('DESCRIBE trade_flows');
      ok(describe);
      expect(describe.out).toMatch(/^partner_name,VARCHAR,/m);
      const summarize = await query('SUMMARIZE trade_flows');
      ok(summarize);
      expect(summarize.out).toMatch(/^partner_name,VARCHAR,.*,4,0$/m);
      const show = await query('SHOW TABLES');
      ok(show);
      expect(show.out.split('\n')).toContain('trade_flows');
    },
  },
  {
    id: 'sql-shell-copy',
    family: 'cli',
    what: 'a shell session: COPY over a curated file, then a SELECT',
    expected: 'COPY refused, the SELECT answers, the script exits 1',
    async run(sb) {
      const lake = sb.path('lake');
      await ingestedCopy(sb, lake);
      const script = sb.path('session.sql');
      await writeFile(script, `COPY (SELECT 1 AS x) TO '${join(lake, TRADE)}' (FORMAT parquet);\n${COUNT_TRADE};\n`);
      const { shellCommand } = await import('../../src/cli/shell.ts');
      const { createReadStream } = await import('node:fs');
      const out: string[] = [];
      const err: string[] = [];
      const failed = await shellCommand(
        ['--lake', lake],
        { out: (l) => out.push(l), err: (l) => err.push(l) },
        createReadStream(script),
      ).catch((e: unknown) => e);
      expect(failed).toBeInstanceOf(Error);
      expect(err.join('\n')).toMatch(/this is a COPY statement/);
      expect(out.join('\n')).toMatch(/^n\n-\n4\n\(1 row\)$/m);
      expect(await sb.count(lake, COUNT_TRADE)).toBe(4);
    },
  },
  {
    id: 'sql-read-table-file',
    family: 'cli',
    what: 'read_parquet of a curated table’s own file (the lake tables are readable)',
    expected: 'exit 0',
    async run(sb) {
      const lake = sb.path('lake');
      await ingestedCopy(sb, lake);
      expect(await sb.count(lake, `SELECT count(*) FROM read_parquet('${join(lake, TRADE)}')`)).toBe(4);
    },
  },
  {
    id: 'query-csv-formulas',
    family: 'cli',
    what: 'query --format csv of partner names " =HYPERLINK(…)" and "@SUM(…)"',
    expected: 'exit 0; every formula cell starts with an apostrophe',
    async run(sb) {
      const lake = sb.path('lake');
      await ingested(sb, lake, await sb.data('data', 'trade-formula-names.csv'));
      const run = await sb.cli(
        'query',
        'SELECT partner_name FROM trade_flows ORDER BY partner_code',
        '--lake',
        lake,
        '--format',
        'csv',
      );
      ok(run);
      const help = await sb.cli('query', '--help');
      expect(help.out).toMatch(
        /in csv, text a spreadsheet would run as a formula[\s\S]*leading '[\s\S]*as in the site's CSVs/,
      );
      expect(run.out.split('\n')).toEqual([
        'partner_name',
        'World',
        `"' =HYPERLINK(""http://evil.example"",""China"")"`,
        "'@SUM(A1:A9)",
        '"Other Asia, nes"',
      ]);
    },
  },

  // ── concurrent ─────────────────────────────────────────────────────────────────────────────────
  {
    id: 'two-ingests-at-once',
    family: 'concurrent',
    what: 'two chainwatch ingest on one lake at once',
    expected: 'both exit 0 (the second waits); the lake consistent',
    async run(sb) {
      const lake = sb.path('lake');
      const data = await sb.data();
      const [a, b] = await Promise.all([
        sb.cli('ingest', '--lake', lake, '--data', data),
        sb.cli('ingest', '--lake', lake, '--data', data),
      ]);
      ok(a);
      ok(b);
      expect(`${a.out}\n${b.out}`).toMatch(/waiting up to 120 s for chainwatch ingest \(pid \d+ on /);
      expect((await manifests(lake)).map((m) => m.outcome)).toEqual(['succeeded', 'succeeded']);
      expect(await readdir(lake)).not.toContain('_staging');
      sb.account(lake);
    },
  },
  {
    id: 'ingest-and-metrics-at-once',
    family: 'concurrent',
    what: 'ingest and metrics on one lake at once',
    expected: 'both exit 0; the metrics see a whole ingest',
    async run(sb) {
      const lake = sb.path('lake');
      await ingestedCopy(sb, lake);
      const [a, b] = await Promise.all([
        sb.cli('ingest', '--lake', lake, '--data', sb.path('data')),
        sb.cli('metrics', '--lake', lake),
      ]);
      ok(a);
      ok(b);
      expect(await sb.count(lake, 'SELECT count(*) FROM supplier_shares')).toBe(3);
    },
  },
  {
    id: 'three-writers-at-once',
    family: 'concurrent',
    what: 'ingest, metrics and ingest at once',
    expected: 'all exit 0, one after the other',
    async run(sb) {
      const lake = sb.path('lake');
      const data = await sb.data();
      const runs = await Promise.all([
        sb.cli('ingest', '--lake', lake, '--data', data),
        sb.cli('metrics', '--lake', lake),
        sb.cli('ingest', '--lake', lake, '--data', data),
      ]);
      for (const r of runs) ok(r);
      expect(await readdir(lake)).not.toContain('_lease');
      sb.account(lake);
    },
  },
  {
    id: 'two-runs-at-once',
    family: 'concurrent',
    what: 'two chainwatch run (ingest → metrics → report) on one lake and site at once',
    expected: 'both exit 0; the site whole; the lake consistent',
    async run(sb) {
      const lake = sb.path('lake');
      const data = await sb.data();
      const site = sb.path('site');
      const [a, b] = await Promise.all([
        sb.cli('run', '--lake', lake, '--data', data, '--out', site),
        sb.cli('run', '--lake', lake, '--data', data, '--out', site),
      ]);
      ok(a);
      ok(b);
      expect(await readFile(join(site, 'index.html'), 'utf8')).toMatch(/<html/);
      sb.account(lake);
    },
  },
  {
    id: 'live-lock-no-wait',
    family: 'concurrent',
    what: 'ingest with --wait 0 while another run holds the lake',
    expected: 'exit 1 naming the holder; nothing changed',
    async run(sb) {
      const lake = sb.path('lake');
      await ingestedCopy(sb, lake);
      await plantLease(lake, liveHolder());
      refused(
        await sb.cli('ingest', '--lake', lake, '--data', sb.path('data'), '--wait', '0'),
        1,
        /Another chainwatch is writing to the lake .*: chainwatch ingest \(pid \d+ on .*, since .*\)[\s\S]*nothing was changed/,
      );
      expect(await manifests(lake)).toHaveLength(1);
    },
  },
  {
    id: 'live-lock-released',
    family: 'concurrent',
    what: 'ingest while another run holds the lake and finishes 0.3 s later',
    expected: 'exit 0 after waiting',
    async run(sb) {
      const lake = sb.path('lake');
      await ingestedCopy(sb, lake);
      await plantLease(lake, liveHolder());
      setTimeout(() => void rm(join(lake, LEASE_KEY)), 300);
      const run = await sb.cli('ingest', '--lake', lake, '--data', sb.path('data'), '--wait', '30');
      ok(run);
      expect(run.out).toMatch(/waiting up to 30 s for chainwatch ingest/);
    },
  },
  {
    id: 'stale-lock-dead-process',
    family: 'concurrent',
    what: 'the lock of a run whose process is gone (killed)',
    expected: 'exit 0; taken over with a message',
    async run(sb) {
      const lake = sb.path('lake');
      await ingestedCopy(sb, lake);
      await plantLease(lake, { ...liveHolder(), pid: DEAD_PID });
      const run = await sb.cli('ingest', '--lake', lake, '--data', sb.path('data'), '--wait', '0');
      ok(run);
      expect(run.out).toMatch(
        /took over the lock of chainwatch ingest \(pid 999999999 .*\): its process 999999999 .* is no longer running/,
      );
    },
  },
  {
    id: 'stale-lock-expired',
    family: 'concurrent',
    what: 'the lock of another machine’s run, expired',
    expected: 'exit 0; taken over with a message',
    async run(sb) {
      const lake = sb.path('lake');
      await ingestedCopy(sb, lake);
      await plantLease(lake, { ...liveHolder(), host: 'elsewhere', expiresAt: '2026-01-01T00:00:00.000Z' });
      const run = await sb.cli('ingest', '--lake', lake, '--data', sb.path('data'), '--wait', '0');
      ok(run);
      expect(run.out).toMatch(/took over the lock .*: its lease expired at 2026-01-01/);
    },
  },
  {
    id: 'live-lock-other-machine',
    family: 'concurrent',
    what: 'the unexpired lock of another machine’s run (its process cannot be checked from here)',
    expected: 'exit 1; nothing changed',
    async run(sb) {
      const lake = sb.path('lake');
      await ingestedCopy(sb, lake);
      await plantLease(lake, { ...liveHolder(), host: 'elsewhere', pid: DEAD_PID });
      refused(
        await sb.cli('metrics', '--lake', lake, '--wait', '0'),
        1,
        /Another chainwatch is writing.*pid 999999999 on elsewhere/,
      );
    },
  },
  {
    id: 'lock-unreadable',
    family: 'concurrent',
    what: 'a lock file edited by hand into something else',
    expected: 'exit 0; taken over with a message',
    async run(sb) {
      const lake = sb.path('lake');
      await ingestedCopy(sb, lake);
      await mkdir(join(lake, '_lease'), { recursive: true });
      await writeFile(join(lake, LEASE_KEY), 'locked by bob');
      const run = await sb.cli('ingest', '--lake', lake, '--data', sb.path('data'), '--wait', '0');
      ok(run);
      expect(run.out).toMatch(/took over the lock of an unreadable lease/);
    },
  },
  {
    id: 'lock-released-after-failure',
    family: 'concurrent',
    what: 'an ingest that fails (data folder missing), then another',
    expected: 'exit 1, then exit 0 at once (the lock was released)',
    async run(sb) {
      const lake = sb.path('lake');
      const failed = await sb.cli('ingest', '--lake', lake, '--data', sb.path('nowhere'));
      expect(failed.code).toBe(1);
      const run = await sb.cli('ingest', '--lake', lake, '--data', await sb.data(), '--wait', '0');
      ok(run);
      sb.account(lake);
    },
  },
  {
    id: 'leftover-marker-copies-gone',
    family: 'concurrent',
    what: 'a commit marker left by an overlapping run whose staged copies another run discarded (the wedge)',
    expected: 'the next ingest rolls it back by itself, reason in the manifest; metrics run',
    async run(sb) {
      const lake = sb.path('lake');
      await ingestedCopy(sb, lake);
      const before = await readFile(join(lake, TRADE));
      const marker = {
        id: 'wedged',
        puts: [{ key: TRADE, sha256: '0'.repeat(64) }],
        deletes: [],
      };
      await mkdir(join(lake, '_staging/ingest/bundled/wedged'), { recursive: true });
      await writeFile(join(lake, '_staging/ingest/bundled/wedged/_COMMIT.json'), JSON.stringify(marker));
      refused(
        await sb.cli('metrics', '--lake', lake),
        1,
        /interrupted ingest of bundled[\s\S]*chainwatch ingest --source bundled/,
      );
      ok(await sb.cli('ingest', '--lake', lake, '--data', sb.path('data')));
      const recovered = (await manifests(lake)).flatMap((m) => m.sources.bundled?.recovered ?? []);
      expect(recovered).toEqual([
        expect.objectContaining({
          id: 'wedged',
          action: 'rolled-back',
          reason: expect.stringMatching(/gone or changed/),
        }),
      ]);
      expect(await readFile(join(lake, TRADE))).toEqual(before);
      ok(await sb.cli('metrics', '--lake', lake));
    },
  },
  {
    id: 'leftover-marker-partly-applied',
    family: 'concurrent',
    what: 'a commit marker whose set was partly switched in before its other staged copies vanished',
    expected: 'rolled forward as far as it can be, the rest named; the run rewrites them',
    async run(sb) {
      const lake = sb.path('lake');
      await ingestedCopy(sb, lake);
      const store = new FolderObjectStore(lake);
      const sha = async (key: string) =>
        (await import('node:crypto'))
          .createHash('sha256')
          .update((await store.get(key))!)
          .digest('hex');
      const marker = {
        id: 'partial',
        puts: [
          { key: 'curated/basket/part-00000.parquet', sha256: await sha('curated/basket/part-00000.parquet') },
          { key: TRADE, sha256: '0'.repeat(64) },
        ],
        deletes: [],
      };
      await store.put('_staging/ingest/bundled/partial/_COMMIT.json', JSON.stringify(marker));
      ok(await sb.cli('ingest', '--lake', lake, '--data', sb.path('data')));
      const recovered = (await manifests(lake)).flatMap((m) => m.sources.bundled?.recovered ?? []);
      expect(recovered).toEqual([expect.objectContaining({ id: 'partial', action: 'rolled-forward', kept: [TRADE] })]);
      expect(await sb.count(lake, COUNT_TRADE)).toBe(4);
    },
  },
  {
    id: 'leftover-staging-no-marker',
    family: 'concurrent',
    what: 'staged files of a run killed before its commit marker',
    expected: 'discarded by the next ingest, reason in the manifest',
    async run(sb) {
      const lake = sb.path('lake');
      await ingestedCopy(sb, lake);
      const store = new FolderObjectStore(lake);
      await store.put(`_staging/ingest/bundled/killed/objects/${TRADE}`, 'half a run');
      ok(await sb.cli('ingest', '--lake', lake, '--data', sb.path('data')));
      const recovered = (await manifests(lake)).flatMap((m) => m.sources.bundled?.recovered ?? []);
      expect(recovered).toEqual([
        expect.objectContaining({
          id: 'killed',
          action: 'discarded',
          reason: expect.stringMatching(/before its commit marker/),
        }),
      ]);
      expect(await readdir(lake)).not.toContain('_staging');
    },
  },
  {
    id: 'unlocked-writer-discards-live-run',
    family: 'concurrent',
    what: 'an older chainwatch without the lock discards a live run’s staged files (the overlap of the issue)',
    expected: 'the live run fails saying so and leaves no marker; the next ingest exits 0',
    async run(sb) {
      const lake = sb.path('lake');
      await ingestedCopy(sb, lake);
      const store = new FolderObjectStore(lake);
      let discarded = false;
      const overlapped = hookedStore(store, {
        beforePut: async (key) => {
          if (!discarded && key.endsWith('/_COMMIT.json')) {
            discarded = true;
            await recoverSource(store, 'bundled');
          }
        },
      });
      const data = await sb.data('changed', 'trade-truncated-mid-row.csv');
      const error = await runIngest({ store: overlapped, runId: 'live', dataDir: data }).catch((e: unknown) => e);
      expect(String(error)).toMatch(/Run live could not switch in its files/);
      expect(await store.list('_staging/')).toEqual([]);
      ok(await sb.cli('metrics', '--lake', lake));
      ok(await sb.cli('ingest', '--lake', lake, '--data', sb.path('data')));
      expect(await sb.count(lake, COUNT_TRADE)).toBe(4);
    },
  },
];
