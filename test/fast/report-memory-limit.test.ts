/**
 * The report's DuckDB session runs within a memory limit (64MB unless CHAINWATCH_REPORT_MEMORY says
 * otherwise): a lake whose queries need more fails the build with DuckDB's out-of-memory error and the
 * variable to raise, and leaves no site behind. (The bundled site itself is built at the default:
 * test/support/bundled-site.ts.)
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { ENV } from '../../src/core/env.ts';
import { bundledBuild } from '../support/bundled-site.ts';
import { copyOfFixture } from '../support/shared-fixture.ts';
import { scaled } from '../support/slowdown.ts';

let work: string;
let lake: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'chainwatch-report-memory-'));
  lake = await copyOfFixture((await bundledBuild()).lake, join(work, 'lake'));
}, scaled(150_000));

afterAll(() => rm(work, { recursive: true, force: true }));

it('fails a build past its DuckDB memory limit with the variable to raise, and writes no site', async () => {
  const out = join(work, 'site');
  const err: string[] = [];
  const before = process.env[ENV.reportMemory];
  process.env[ENV.reportMemory] = '1MB';
  try {
    expect(
      await main(
        ['report', '--lake', lake, '--out', out],
        () => {},
        (l) => err.push(l),
      ),
    ).toBe(1);
  } finally {
    if (before === undefined) delete process.env[ENV.reportMemory];
    else process.env[ENV.reportMemory] = before;
  }
  const message = err.join('\n');
  expect(message).toMatch(/Out of Memory Error/);
  expect(message).toMatch(/CHAINWATCH_REPORT_MEMORY=256MB/);
  expect(await readdir(out).catch(() => [])).toEqual([]);
  expect((await readdir(work)).filter((name) => name.includes('build'))).toEqual([]);
});
