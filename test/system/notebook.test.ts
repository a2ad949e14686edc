/**
 * The example notebook (docs/examples/lake-with-duckdb.ipynb) runs as an analyst would run it — the
 * DuckDB Python package over the views `chainwatch export-views` writes — and gives the same rows as
 * `chainwatch query` for the same SQL on the same lake.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { ingestStep } from '../../src/cli/ingest-step.ts';
import { metricsStep } from '../../src/cli/metrics-step.ts';
import { scaled } from '../support/slowdown.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NOTEBOOK = join(ROOT, 'docs', 'examples', 'lake-with-duckdb.ipynb');
const DRIVER = join(ROOT, 'test', 'support', 'run-notebook.py');
const PYTHON_PACKAGES = ['nbclient', 'nbformat', 'ipykernel', 'duckdb', 'pandas'];

type Row = Record<string, unknown>;
let work: string;
let lake: string;
let notebook: Record<string, Row[]>;

/** The CLI's rows for a saved query, as `chainwatch query … --format json` prints them. */
async function cliRows(args: string[]): Promise<Row[]> {
  const out: string[] = [];
  const code = await main(
    ['query', ...args, '--lake', lake, '--format', 'json'],
    (l) => out.push(l),
    () => {},
  );
  expect(code).toBe(0);
  return JSON.parse(out.join('\n'));
}

/** Same rows, numbers equal to 1e-12 relative (Python and Node print doubles alike, but not always). */
function expectSameRows(actual: Row[], expected: Row[]): void {
  expect(actual.length).toBe(expected.length);
  expect(actual.length).toBeGreaterThan(0);
  actual.forEach((row, i) => {
    for (const [key, want] of Object.entries(expected[i])) {
      const got = row[key];
      if (typeof want === 'number' && typeof got === 'number') expect(got).toBeCloseTo(want, 9);
      else expect(got ?? null, `${key} of row ${i}`).toEqual(want);
    }
  });
}

beforeAll(async () => {
  const missing = spawnSync('python3', ['-c', `import ${PYTHON_PACKAGES.join(', ')}`]).status !== 0;
  if (missing)
    throw new Error(
      `The notebook test needs Python packages: pip install ${PYTHON_PACKAGES.join(' ')} (npm test installs them: scripts/test-tools.mjs)`,
    );
  work = await mkdtemp(join(tmpdir(), 'chainwatch-notebook-'));
  lake = join(work, 'lake');
  await ingestStep({ lake, outDir: join(work, 'site') });
  await metricsStep({ lake, outDir: join(work, 'site') });
  const views: string[] = [];
  await main(
    ['export-views', '--lake', lake],
    (l) => views.push(l),
    () => {},
  );
  await writeFile(join(work, 'views.sql'), views.join('\n'));
  const result = execFileSync('python3', [DRIVER, NOTEBOOK, 'top', 'trend', 'hhi'], {
    encoding: 'utf8',
    env: { ...process.env, CHAINWATCH_VIEWS: join(work, 'views.sql'), CHAINWATCH_REPO: ROOT },
    timeout: scaled(300_000),
  });
  notebook = JSON.parse(result.trim().split('\n').at(-1)!);
}, scaled(600_000));

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the example notebook', () => {
  it('lists the top suppliers as the saved query does in the CLI', async () => {
    const cli = await cliRows([
      '--saved',
      'top_suppliers',
      '--param',
      'hs=854231',
      '--param',
      'year=2024',
      '--param',
      'top_n=5',
    ]);
    expectSameRows(notebook.top, cli);
  });

  it("gives China's rare-earth share trend as the CLI does", async () => {
    expectSameRows(notebook.trend, await cliRows(['--saved', 'china_share_trend', '--param', 'sector=rare_earths']));
  });

  it('gives the HHI series of one product as the same SQL in the CLI', async () => {
    const sql = `SELECT year, hhi, hhi_points, cr1, top_supplier_iso3 FROM concentration
      WHERE reporter_iso3 = 'USA' AND flow = 'M' AND hs6 = :hs ORDER BY year`;
    expectSameRows(notebook.hhi, await cliRows([sql, '--param', 'hs=280530']));
  });
});
