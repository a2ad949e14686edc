/**
 * The bad-input corpus (test/corpus/): every case through the real ingest path of its format, into a
 * fresh lake. Each must end as its case says — a typed error that names the problem and what to do,
 * with nothing landed; or its good rows landed and its bad rows quarantined with a reason — and none
 * may lose a row: rows read (+ rows derived) = rows landed + rows quarantined + exact duplicates
 * dropped, every count but the first taken from the lake. The summary is written to
 * test/corpus/RESULTS.md.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CASES, DIR_OF, fileOf, bytesOf, type CorpusCase } from '../corpus/cases.ts';
import { CORPUS_DIR, runCase, type Outcome } from '../corpus/harness.ts';

interface Result {
  c: CorpusCase;
  outcome: Outcome;
  /** Rows read but neither landed, quarantined nor dropped as a duplicate. */
  unaccounted: number;
}
const results: Result[] = [];

const label = (c: CorpusCase) => `${DIR_OF[c.format]}/${c.id}`;
const cell = (text: string, max = 160) => {
  const one = text.replace(/\s+/g, ' ').replace(/\|/g, '\\|');
  return one.length > max ? `${one.slice(0, max)}…` : one;
};

describe('bad-input corpus', () => {
  it('has at least 60 cases over every input format, one per corpus file', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(60);
    expect(new Set(CASES.map((c) => c.format))).toEqual(
      new Set(['bundled-trade', 'bundled-production', 'bundled-usgs', 'comtrade', 'census', 'usgs']),
    );
    expect(new Set(CASES.map(label)).size).toBe(CASES.length);
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
      results.push({ c, outcome, unaccounted });

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
    const sum = (f: (r: Result) => number, rs = results) => rs.reduce((n, r) => n + f(r), 0);
    const totals = (rs: Result[]) => ({
      cases: rs.length,
      errors: rs.filter((r) => r.outcome.error).length,
      quarantined: sum((r) => r.outcome.quarantined.length, rs),
      landed: sum((r) => r.outcome.landed.length, rs),
      duplicates: sum((r) => r.outcome.duplicates, rs),
      crashes: rs.filter((r) => r.outcome.crash).length,
      unaccounted: sum((r) => Math.abs(r.unaccounted), rs),
    });
    const row = (name: string, t: ReturnType<typeof totals>) =>
      `| ${name} | ${t.cases} | ${t.errors} | ${t.quarantined} | ${t.landed} | ${t.duplicates} | ${t.crashes} | ${t.unaccounted} |`;
    const all = totals(results);
    const formats = [...new Set(CASES.map((c) => c.format))];
    const caseLine = ({ c, outcome: o }: Result) => {
      const outcome = o.crash
        ? `CRASH: ${cell(o.crash, 300)}`
        : o.error
          ? `error: ${cell(o.error, 300)}`
          : [...new Set(o.quarantined.map((q) => cell(q.reason, 110)))].join('; ');
      const counts =
        o.error || o.crash
          ? '— | 0 | — | —'
          : `${o.rowsIn}${o.rowsDerived ? ` + ${o.rowsDerived}` : ''} | ${o.landed.length} | ${o.quarantined.length} | ${o.duplicates}`;
      return `| \`${c.generate ? `${label(c)}` : fileOf(c)}\`${c.generate ? ' (generated)' : ''} | ${cell(c.what, 90)} | ${'error' in c.expect ? 'error' : 'rows'} | ${counts} | ${outcome} |`;
    };
    const head =
      '| | cases | errors | quarantined rows | landed rows | duplicates dropped | crashes | rows unaccounted for |\n|---|---|---|---|---|---|---|---|';
    const md = [
      '# Bad-input corpus: results',
      '',
      'Written by `npm test` (test/fast/corpus.test.ts) from the cases in test/corpus/cases.ts; do not edit by hand.',
      'Each case runs through the real ingest path of its format into a fresh lake. "in" is the ingest\'s count of',
      'rows read (+ rows it derived: Census December annual totals); landed and quarantined rows are counted in',
      'the lake (curated Parquet, quarantine/…/rejects.jsonl). For every case that is not an error,',
      'in = landed + quarantined + exact duplicates dropped. An error case lands nothing and says what to do next.',
      '',
      head,
      row('**all**', all),
      ...formats.map((f) => row(f, totals(results.filter((r) => r.c.format === f)))),
      '',
      '| case | bad input | expected | in | landed | quarantined | duplicates | reason (quarantined rows) or error |',
      '|---|---|---|---|---|---|---|---|',
      ...results.map(caseLine),
      '',
    ].join('\n');
    writeFileSync(new URL('RESULTS.md', CORPUS_DIR), md);
    console.log(
      `corpus: ${all.cases} cases, ${all.errors} errors, ${all.quarantined} quarantined rows, ${all.landed} landed rows, ${all.duplicates} duplicates dropped, ${all.crashes} crashes, ${all.unaccounted} rows unaccounted for`,
    );
    expect(all.crashes).toBe(0);
    expect(all.unaccounted).toBe(0);
  });
});
