/**
 * The bad-input corpus (test/corpus/): every input case through the real ingest path of its format, into
 * a fresh lake. Each must end as its case says — a typed error that names the problem and what to do,
 * with nothing landed; or its good rows landed and its bad rows quarantined with a reason — and none
 * may lose a row: rows read (+ rows derived) = rows landed + rows quarantined + exact duplicates
 * dropped, every count but the first taken from the lake. The summary is written to
 * test/corpus/RESULTS.md. The scenario families (paths, CLI arguments, concurrent runs) run whole
 * commands and live in the system lane: test/system/corpus-scenarios.test.ts.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CASES, DIR_OF, fileOf, bytesOf } from '../corpus/cases.ts';
import { CORPUS_DIR, runCase } from '../corpus/harness.ts';
import { cell, type Result, writeResults } from '../corpus/results.ts';
import { SCENARIOS } from '../corpus/scenarios.ts';

const results: Result[] = [];

const INTRO = [
  '# Bad-input corpus: input cases',
  '',
  'Written by `npm test` (test/fast/corpus.test.ts) from the cases in test/corpus/cases.ts; do not edit by hand.',
  'The scenario families (paths, cli, concurrent) are in [SCENARIO-RESULTS.md](SCENARIO-RESULTS.md).',
  '',
  'Input cases run through the real ingest path of their format into a fresh lake. "in" is the ingest\'s count',
  'of rows read (+ rows it derived: Census December annual totals); landed and quarantined rows are counted in',
  'the lake (curated Parquet, quarantine/…/rejects.jsonl). For every case that is not an error,',
  'in = landed + quarantined + exact duplicates dropped. An error case lands nothing and says what to do next.',
];

const label = (c: (typeof CASES)[number]) => `${DIR_OF[c.format]}/${c.id}`;

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

  it('writes test/corpus/RESULTS.md: no crash, no row unaccounted for', () => {
    expect(results).toHaveLength(CASES.length);
    writeResults('RESULTS.md', INTRO, results);
  });
});
