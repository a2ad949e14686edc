/**
 * The bad-input corpus (test/corpus/): every input case through the real ingest path of its format, into
 * a fresh lake. Each must end as its case says — a typed error that names the problem and what to do,
 * with nothing landed; or its good rows landed and its bad rows quarantined with a reason — and none
 * may lose a row: rows read (+ rows derived) = rows landed + rows quarantined + exact duplicates
 * dropped, every count but the first taken from the lake. Then the scenario families (paths, CLI
 * arguments, concurrent runs: test/corpus/scenarios.ts) through the real CLI in a sandbox: each must do
 * what it says, and none may delete a user's file, crash, or lose a row of its lake. The summary is
 * written to test/corpus/RESULTS.md.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CASES, DIR_OF, fileOf, bytesOf } from '../corpus/cases.ts';
import { CORPUS_DIR, runCase } from '../corpus/harness.ts';
import { Sandbox } from '../corpus/sandbox.ts';
import { SCENARIOS } from '../corpus/scenarios.ts';
import { PROJECT_ROOT } from '../../src/core/project-root.ts';
import { scaled } from '../support/slowdown.ts';

/** One line of RESULTS.md, for an input case or a scenario. */
interface Result {
  group: string;
  name: string;
  what: string;
  expected: string;
  error?: string;
  crash?: string;
  counts?: { in: number; derived: number; landed: number; quarantined: number; duplicates: number };
  /** Rows read but neither landed, quarantined nor dropped as a duplicate. */
  unaccounted: number;
  userFilesDeleted: number;
  /** The quarantine reasons, or what the scenario's commands said. */
  detail: string;
}
const results: Result[] = [];

const label = (c: (typeof CASES)[number]) => `${DIR_OF[c.format]}/${c.id}`;
const cell = (text: string, max = 160) => {
  const one = text.replace(/\s+/g, ' ').replace(/\|/g, '\\|');
  return one.length > max ? `${one.slice(0, max)}…` : one;
};

describe('bad-input corpus', () => {
  it('has at least 150 cases: every input format, one per corpus file, and the path, CLI and concurrency families', () => {
    expect(CASES.length + SCENARIOS.length).toBeGreaterThanOrEqual(150);
    expect(new Set(CASES.map((c) => c.format))).toEqual(
      new Set(['bundled-trade', 'bundled-production', 'bundled-usgs', 'comtrade', 'census', 'usgs']),
    );
    expect(new Set(SCENARIOS.map((c) => c.family))).toEqual(new Set(['paths', 'cli', 'concurrent']));
    expect(new Set(CASES.map(label)).size).toBe(CASES.length);
    expect(new Set(SCENARIOS.map((c) => c.id)).size).toBe(SCENARIOS.length);
    const files = Object.values(DIR_OF)
      .filter((d, i, all) => all.indexOf(d) === i)
      .flatMap((d) =>
        readdirSync(new URL(`${d}/`, CORPUS_DIR))
          .filter((f) => !f.startsWith('_'))
          .map((f) => `${d}/${f}`),
      );
    expect(
      CASES.filter((c) => !c.generate)
        .map(fileOf)
        .sort(),
    ).toEqual(files.sort());
  });

  for (const c of CASES) {
    it(`${label(c)}: ${c.what}`, async () => {
      const outcome = await runCase(c.format, bytesOf(c));
      const unaccounted =
        outcome.error || outcome.crash
          ? 0
          : outcome.rowsIn +
            outcome.rowsDerived -
            outcome.landed.length -
            outcome.quarantined.length -
            outcome.duplicates;
      results.push({
        group: c.format,
        name: `\`${c.generate ? label(c) : fileOf(c)}\`${c.generate ? ' (generated)' : ''}`,
        what: c.what,
        expected: 'error' in c.expect ? 'error' : 'rows',
        error: outcome.error,
        crash: outcome.crash,
        counts:
          outcome.error || outcome.crash
            ? undefined
            : {
                in: outcome.rowsIn,
                derived: outcome.rowsDerived,
                landed: outcome.landed.length,
                quarantined: outcome.quarantined.length,
                duplicates: outcome.duplicates,
              },
        unaccounted,
        userFilesDeleted: 0,
        detail: [...new Set(outcome.quarantined.map((q) => cell(q.reason, 110)))].join('; '),
      });

      expect(outcome.crash, 'a crash is an untyped error: a bug').toBeUndefined();
      if ('error' in c.expect) {
        expect(outcome.error).toMatch(c.expect.error);
        // The message says what to do next (the typed error's hint).
        expect(outcome.error).toMatch(/ → \S/);
        expect(outcome.landed, 'nothing of an unreadable input lands').toEqual([]);
        return;
      }
      expect(outcome.error).toBeUndefined();
      expect(unaccounted, 'rows read = landed + quarantined + duplicates').toBe(0);
      expect(outcome.landed).toHaveLength(c.expect.landed);
      expect(outcome.quarantined).toHaveLength(c.expect.quarantined);
      expect(outcome.duplicates).toBe(c.expect.duplicates ?? 0);
      for (const r of outcome.quarantined) {
        expect(r.reason).toMatch(c.expect.reason!);
        // A quarantine line names its input and line, and never carries a field of megabytes.
        expect(r.line).toBeGreaterThanOrEqual(0);
        expect(JSON.stringify(r).length).toBeLessThan(20_000);
      }
      if (c.expect.warning) expect(outcome.warnings.join('\n')).toMatch(c.expect.warning);
      c.expect.check?.(outcome.landed);
    });
  }

  for (const c of SCENARIOS) {
    it(
      `${c.family}/${c.id}: ${c.what}`,
      async () => {
        const sb = await Sandbox.create();
        let failure: unknown;
        try {
          await c.run(sb);
        } catch (error) {
          failure = error;
        }
        const outcome = await sb.outcome().finally(() => sb.dispose());
        const rows = outcome.rows;
        const unaccounted = rows ? rows.in - rows.landed - rows.quarantined - rows.duplicates : 0;
        const said = outcome.runs
          .map(
            (r) =>
              `${r.args[0]} → ${r.code}${r.code === 0 ? '' : `: ${r.err.split('\n')[0].replace(/^chainwatch: /, '')}`}`,
          )
          .join('; ');
        const stable = (text: string) =>
          // RESULTS.md is committed: the sandbox's temp path, the checkout's path and contents, process ids and clocks
          // would change it on every run or machine.
          text
            .replaceAll(sb.root, '<sandbox>')
            .replaceAll(PROJECT_ROOT.replace(/\/$/, ''), '<checkout>')
            .replace(/pid \d+ on (\S+), since [\dT:.Z-]+/g, 'pid <pid> on $1, since <time>')
            // How many files a refused folder holds besides the three it names (the checkout's vary).
            .replace(/" and \d+ more and no /g, '" and more and no ');
        results.push({
          group: c.family,
          name: `\`${c.family}/${c.id}\``,
          what: c.what,
          expected: c.expected,
          crash: outcome.crash ?? (failure ? `the case failed: ${(failure as Error).message}` : undefined),
          counts: rows && {
            in: rows.in,
            derived: 0,
            landed: rows.landed,
            quarantined: rows.quarantined,
            duplicates: rows.duplicates,
          },
          unaccounted,
          userFilesDeleted: outcome.userFilesDeleted.length,
          detail: cell(stable(said), 300),
        });
        expect(outcome.userFilesDeleted, 'user files deleted or changed').toEqual([]);
        expect(outcome.crash, 'an untyped error: a bug').toBeUndefined();
        expect(unaccounted, 'rows read = landed + quarantined + duplicates').toBe(0);
        if (failure) throw failure;
      },
      scaled(60_000),
    );
  }

  it('writes test/corpus/RESULTS.md: no crash, no row unaccounted for, no user file deleted', () => {
    expect(results).toHaveLength(CASES.length + SCENARIOS.length);
    const sum = (f: (r: Result) => number, rs = results) => rs.reduce((n, r) => n + f(r), 0);
    const totals = (rs: Result[]) => ({
      cases: rs.length,
      errors: rs.filter((r) => r.error).length,
      quarantined: sum((r) => r.counts?.quarantined ?? 0, rs),
      landed: sum((r) => r.counts?.landed ?? 0, rs),
      duplicates: sum((r) => r.counts?.duplicates ?? 0, rs),
      crashes: rs.filter((r) => r.crash).length,
      unaccounted: sum((r) => Math.abs(r.unaccounted), rs),
      deleted: sum((r) => r.userFilesDeleted, rs),
    });
    const row = (name: string, t: ReturnType<typeof totals>) =>
      `| ${name} | ${t.cases} | ${t.errors} | ${t.quarantined} | ${t.landed} | ${t.duplicates} | ${t.crashes} | ${t.unaccounted} | ${t.deleted} |`;
    const all = totals(results);
    const groups = [...new Set(results.map((r) => r.group))];
    const caseLine = (r: Result) => {
      const outcome = r.crash ? `CRASH: ${cell(r.crash, 300)}` : r.error ? `error: ${cell(r.error, 300)}` : r.detail;
      const counts = r.counts
        ? `${r.counts.in}${r.counts.derived ? ` + ${r.counts.derived}` : ''} | ${r.counts.landed} | ${r.counts.quarantined} | ${r.counts.duplicates}`
        : '— | 0 | — | —';
      return `| ${r.name} | ${cell(r.what, 90)} | ${cell(r.expected, 70)} | ${counts} | ${outcome} |`;
    };
    const head =
      '| | cases | errors | quarantined rows | landed rows | duplicates dropped | crashes | rows unaccounted for | user files deleted |\n|---|---|---|---|---|---|---|---|---|';
    const md = [
      '# Bad-input corpus: results',
      '',
      'Written by `npm test` (test/fast/corpus.test.ts) from the cases in test/corpus/cases.ts and',
      'test/corpus/scenarios.ts; do not edit by hand.',
      '',
      'Input cases run through the real ingest path of their format into a fresh lake. "in" is the ingest\'s count',
      'of rows read (+ rows it derived: Census December annual totals); landed and quarantined rows are counted in',
      'the lake (curated Parquet, quarantine/…/rejects.jsonl). For every case that is not an error,',
      'in = landed + quarantined + exact duplicates dropped. An error case lands nothing and says what to do next.',
      '',
      'Scenario cases (paths, cli, concurrent) run the real CLI in a sandbox whose $HOME, lake, site and data',
      "folders sit among the user's own files; every planted user file is checked afterwards, byte for byte. Their",
      "counts are those of the lake's last succeeded run, read back from the lake; the last column lists each",
      'command with its exit code and, for a refusal, its one-line reason.',
      '',
      head,
      row('**all**', all),
      ...groups.map((g) => row(g, totals(results.filter((r) => r.group === g)))),
      '',
      '| case | bad input | expected | in | landed | quarantined | duplicates | reason (quarantined rows), error, or commands |',
      '|---|---|---|---|---|---|---|---|',
      ...results.map(caseLine),
      '',
    ].join('\n');
    writeFileSync(new URL('RESULTS.md', CORPUS_DIR), md);
    console.log(
      `corpus: ${all.cases} cases, ${all.errors} errors, ${all.quarantined} quarantined rows, ${all.landed} landed rows, ${all.duplicates} duplicates dropped, ${all.crashes} crashes, ${all.unaccounted} rows unaccounted for, ${all.deleted} user files deleted`,
    );
    expect(all.crashes).toBe(0);
    expect(all.unaccounted).toBe(0);
    expect(all.deleted).toBe(0);
  });
});
