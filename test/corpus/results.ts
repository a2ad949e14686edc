/**
 * The corpus's committed summaries: test/corpus/RESULTS.md (input cases, test/fast/corpus.test.ts) and
 * test/corpus/SCENARIO-RESULTS.md (paths, CLI and concurrency families, test/system/corpus-scenarios.test.ts).
 * Each test file collects one line per case and writes its own file at the end, so the two lanes never
 * write the same file.
 */
import { writeFileSync } from 'node:fs';
import { expect } from 'vitest';
import { CORPUS_DIR } from './harness.ts';

/** One line of a results file, for an input case or a scenario. */
export interface Result {
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

/** A table cell: one line, pipes escaped, cut at `max` characters. */
export const cell = (text: string, max = 160): string => {
  const one = text.replace(/\s+/g, ' ').replace(/\|/g, '\\|');
  return one.length > max ? `${one.slice(0, max)}…` : one;
};

/**
 * Write `file` (in test/corpus/) with the totals and one line per result, log the totals, and check that
 * no case crashed, lost a row or deleted a user file.
 */
export function writeResults(file: string, intro: string[], results: Result[]): void {
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
    ...intro,
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
  writeFileSync(new URL(file, CORPUS_DIR), md);
  console.log(
    `${file}: ${all.cases} cases, ${all.errors} errors, ${all.quarantined} quarantined rows, ${all.landed} landed rows, ${all.duplicates} duplicates dropped, ${all.crashes} crashes, ${all.unaccounted} rows unaccounted for, ${all.deleted} user files deleted`,
  );
  expect(all.crashes).toBe(0);
  expect(all.unaccounted).toBe(0);
  expect(all.deleted).toBe(0);
}
