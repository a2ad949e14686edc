/**
 * The bad-input corpus's scenario families (test/corpus/scenarios.ts): careless and hostile command lines —
 * paths, CLI arguments, concurrent runs — through the real CLI in a sandbox (test/corpus/sandbox.ts). Each
 * must do what it says, and none may delete a user's file, crash, or lose a row of its lake. They run whole
 * commands (ingest → metrics → report), so they are in the system lane; the input cases are in
 * test/fast/corpus.test.ts. The summary is written to test/corpus/SCENARIO-RESULTS.md.
 */
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cell, type Result, writeResults } from '../corpus/results.ts';
import { Sandbox } from '../corpus/sandbox.ts';
import { disposePreparedLakes, SCENARIOS } from '../corpus/scenarios.ts';
import { PROJECT_ROOT } from '../../src/core/project-root.ts';
import { scaled } from '../support/slowdown.ts';

const results: Result[] = [];
/** The sandboxes in the temp folder before the cases: the cases must leave none of their own behind. */
let sandboxesBefore: string[];
const sandboxes = async () => (await readdir(tmpdir())).filter((n) => n.startsWith('chainwatch-scenario-'));
beforeAll(async () => {
  sandboxesBefore = await sandboxes();
});
afterAll(disposePreparedLakes);

const INTRO = [
  '# Bad-input corpus: scenario families',
  '',
  'Written by `npm test` (test/system/corpus-scenarios.test.ts) from the cases in test/corpus/scenarios.ts; do',
  'not edit by hand. The input cases are in [RESULTS.md](RESULTS.md).',
  '',
  'Scenario cases (paths, cli, concurrent) run the real CLI in a sandbox whose $HOME, lake, site and data',
  "folders sit among the user's own files; every planted user file is checked afterwards, byte for byte. Their",
  "counts are those of the lake's last succeeded run, read back from the lake; the last column lists each",
  'command with its exit code and, for a refusal, its one-line reason. A lake a case only starts from (one to query,',
  'to report from or to plant a lock or a leftover in, and the decoy beside an awkward name) is a copy of one made',
  'once by `ingest` (and `metrics`, for the lake the reports and the refused analyst SQL read), so each case lists',
  'only its own commands.',
];

describe('bad-input corpus: scenario families', () => {
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

  it('writes test/corpus/SCENARIO-RESULTS.md: no crash, no row unaccounted for, no user file deleted', () => {
    expect(results).toHaveLength(SCENARIOS.length);
    writeResults('SCENARIO-RESULTS.md', INTRO, results);
  });

  it('leaves no sandbox in the temp folder, the prepared lakes included, once they are removed', async () => {
    await disposePreparedLakes();
    expect(await sandboxes()).toEqual(sandboxesBefore);
  });
});
