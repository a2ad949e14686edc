/**
 * The bundled ingest streams its trade mart: a mart much larger than the bundled one goes through
 * `chainwatch ingest --data` in a process held to the ingest Lambda's V8 heap limit, and lands whole.
 * The whole-file parse this replaced ran out of heap under that limit at about 83,000 rows; this mart has
 * 120,000. (How much memory a 1M-row mart takes is a benchmark figure: `npm run bench`, stage bundled.)
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledMartData } from '../../bench/synthetic/bundled-mart.ts';
import { INGEST_HEAP_MB } from '../../infra/lambda-budgets.ts';
import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';
import type { IngestManifest } from '../../src/core/lake/manifest.ts';
import { CLI_BUILD } from '../../scripts/build.mjs';
import { REPO } from '../crash/support.ts';
import { scaled } from '../support/slowdown.ts';

const MART_ROWS = 120_000;
const MART = 'us_imports_by_partner_hs6.csv';
/** Inside the checkout (git-ignored), so the compiled CLI finds node_modules and the project's files. */
const work = join(REPO, '.tmp', `ingest-heap-${process.pid}`);
const lake = join(work, 'lake');
let run: { stdout: string; stderr: string };

beforeAll(async () => {
  // The CLI as npm ci compiles it, built into this test's folder beside a copy of its bin script (so the
  // code tested is the code here, whatever dist/ holds).
  await build({ ...CLI_BUILD, outdir: join(work, 'dist') });
  await mkdir(join(work, 'bin'));
  await copyFile(join(REPO, 'bin', 'chainwatch.js'), join(work, 'bin', 'chainwatch.js'));
  const data = await bundledMartData(work, MART_ROWS);
  run = await promisify(execFile)(
    process.execPath,
    [
      `--max-old-space-size=${INGEST_HEAP_MB}`,
      join(work, 'bin', 'chainwatch.js'),
      'ingest',
      '--lake',
      lake,
      '--data',
      data,
    ],
    { cwd: REPO, timeout: scaled(240_000), maxBuffer: 1 << 24 },
  ).catch((error) => {
    throw new Error(`chainwatch ingest under a ${INGEST_HEAP_MB} MB heap failed: ${error.message}\n${error.stderr}`);
  });
}, scaled(300_000));

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe(`bundled ingest of a ${MART_ROWS.toLocaleString('en-US')}-row trade mart under the ingest Lambda's ${INGEST_HEAP_MB} MB heap`, () => {
  it('finishes, reads every mart row and lands the trade rows it reports, leaving no scratch behind', async () => {
    expect(run.stdout).toMatch(/curated\/trade_flows: \d+ rows in \d+ partitions?/);
    const [entry] = await readdir(join(lake, '_runs'));
    const manifest = JSON.parse(await readFile(join(lake, '_runs', entry), 'utf8')) as IngestManifest;
    expect(manifest.outcome).toBe('succeeded');
    const bundled = manifest.sources.bundled;
    expect(bundled.inputs.find((i) => i.file === MART)?.rows).toBe(MART_ROWS);
    expect(bundled.tables.trade_flows.rows).toBeGreaterThan(MART_ROWS * 0.99);

    const db = await (await DuckDBInstance.create(':memory:')).connect();
    const reader = await db.runAndReadAll(
      `SELECT count(*)::INTEGER AS n FROM read_parquet('${join(lake, 'curated', 'trade_flows')}/**/*.parquet')`,
    );
    expect(reader.getRowObjects()[0].n).toBe(bundled.tables.trade_flows.rows);
    db.closeSync();
    // The spilled partitions lived in the run's scratch, which the commit removes with the rest of its staging.
    expect(await new FolderObjectStore(lake).list('_staging/')).toEqual([]);
  });
});
