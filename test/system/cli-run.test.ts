/**
 * `chainwatch run` on the bundled data, the whole command in this process: ingest, metrics and report
 * into a new lake and site, with its progress lines and its refusals. A whole pipeline run, so it is in
 * the system lane; the CLI's argument handling is in test/fast/cli.test.ts.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';

const capture = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, o: (l: string) => out.push(l), e: (l: string) => err.push(l) };
};

describe('run on the bundled data', () => {
  let dir: string;
  const c = capture();
  let code: number;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'chainwatch-cli-'));
    code = await main(['run', '--lake', join(dir, 'lake'), '--out', join(dir, 'site')], c.o, c.e);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('exits 0 and prints one progress line per step with row counts', () => {
    expect(c.err).toEqual([]);
    expect(code).toBe(0);
    const lines = c.out.join('\n');
    expect(lines).toMatch(/^ingest {3}bundled: [\d,]+ rows in, [\d,]+ landed, [\d,]+ quarantined \(\d+\.\d s\)$/m);
    expect(lines).toMatch(/^metrics {2}\d+ tables, [\d,]+ rows \(\d+\.\d s\)$/m);
    expect(lines).toMatch(/^report {3}\d+ pages, \d+ charts/m);
  });

  it('writes the lake zones and the site', async () => {
    expect(await readdir(join(dir, 'lake'))).toEqual(expect.arrayContaining(['raw', 'curated', 'metrics', '_runs']));
    const index = await readFile(join(dir, 'site', 'index.html'), 'utf8');
    expect(index).toMatch(/<html/);
  });

  it('fails with a one-line reason when the data folder is missing', async () => {
    const f = capture();
    expect(await main(['ingest', '--lake', join(dir, 'lake2'), '--data', join(dir, 'nope')], f.o, f.e)).toBe(1);
    expect(f.err[0]).toMatch(/^chainwatch: .+\n {2}→ .+/);
  });
});
