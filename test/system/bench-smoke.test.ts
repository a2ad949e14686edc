import { scaled } from '../support/slowdown.ts';
import { readdir, readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tradeFlows, type TradeFlow } from '../../data-schemas/curated.ts';
import { metricTables } from '../../data-schemas/metrics.ts';
import { generate } from '../../bench/generate.ts';
import { COMTRADE_FIELDS } from '../../src/core/ingest/sources/comtrade.ts';
import { DEFAULTS, runBench, SMOKE, STAGES } from '../../bench/run.ts';
import { REPO } from '../../bench/stages/context.ts';
import type { BenchResults } from '../../bench/harness/results.ts';
import { readTable } from '../../src/core/lake/read-table.ts';
import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';

/**
 * The benchmark harness must not rot: a tiny run of every stage (10k rows, one run each) with the
 * correctness cross-check of chainwatch against bare DuckDB, pandas and polars. No timing is
 * asserted: only that everything ran and that the four implementations agree within 1e-9.
 * Needs python3 with pandas, polars and pyarrow (pip install pandas polars pyarrow duckdb).
 */
let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'chainwatch-bench-smoke-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const csvLines = async (dir: string): Promise<string[]> => {
  const files = (await readdir(dir)).sort();
  return (await Promise.all(files.map((f) => readFile(join(dir, f), 'utf8')))).flatMap((t) =>
    t.trim().split('\n').slice(1),
  );
};

describe('bench data generator', () => {
  it('is deterministic, lands curated rows and Comtrade-shaped raw records with quarantine material', async () => {
    const [a, b] = await Promise.all(
      ['a', 'b'].map((d) => generate({ rows: 3000, years: 1, dir: join(work, `gen-${d}`) })),
    );
    expect(a.rows).toBe(3000);
    for (const file of ['csv/2015-03.csv', 'api/M-201503/854231.json', 'api/index.json']) {
      expect(await readFile(join(a.raw, file), 'utf8')).toBe(await readFile(join(b.raw, file), 'utf8'));
    }
    const partition = 'curated/trade_flows/source=comtrade/year=2015/month=7/part-00000.parquet';
    expect(Buffer.compare(await readFile(join(a.lake, partition)), await readFile(join(b.lake, partition)))).toBe(0);

    // Curated: every monthly row plus the annual totals, from the synthetic source; Taiwan arrives as 490 → TWN.
    const curated = (await readTable<TradeFlow>(new FolderObjectStore(a.lake), tradeFlows)).filter(
      (r) => r.source === 'comtrade',
    );
    expect(curated.filter((r) => r.month > 0)).toHaveLength(a.rows);
    expect(curated.filter((r) => r.month === 0)).toHaveLength(a.annualRows);
    const taiwan = curated.filter((r) => r.partner_code === '490');
    expect(taiwan.length).toBeGreaterThan(0);
    expect(taiwan.every((r) => r.partner_iso3 === 'TWN' && r.note !== null)).toBe(true);

    // Raw: the 47 Comtrade fields; good records plus the defective ones, the same records in both shapes.
    const lines = await csvLines(join(a.raw, 'csv'));
    expect((await readFile(join(a.raw, 'csv', '2015-01.csv'), 'utf8')).split('\n')[0]).toBe(COMTRADE_FIELDS.join(','));
    expect(lines).toHaveLength(a.rawRows);
    expect(a.rawRows).toBe(a.rows + a.annualRows + a.badRows);
    expect(a.badRows).toBeGreaterThan(0);
    expect(lines.some((l) => l.includes(',n/a,'))).toBe(true);
    const index = JSON.parse(await readFile(join(a.raw, 'api', 'index.json'), 'utf8')) as Record<
      string,
      Record<string, number>
    >;
    const apiRecords = Object.values(index)
      .flatMap((counts) => Object.values(counts))
      .reduce((x, y) => x + y, 0);
    expect(apiRecords).toBe(a.rawRows);
    const fragment = await readFile(join(a.raw, 'api', 'M-201503', '854231.json'), 'utf8');
    const records = JSON.parse(`[${fragment}]`) as Record<string, unknown>[];
    expect(records.length).toBe(index['M-201503']['854231']);
    expect(Object.keys(records[0])).toEqual([...COMTRADE_FIELDS]);
  });
});

/** The harness's compiled scripts (bench/stages/context.ts) in the checkout's bench/work/. */
const compiledFolders = async (): Promise<string[]> =>
  (await readdir(join(REPO, 'bench', 'work')).catch(() => [] as string[])).filter((f) => f.startsWith('.compiled-'));

describe('bench harness smoke run', () => {
  let results: BenchResults;
  let compiledBefore: string[];
  beforeAll(async () => {
    compiledBefore = await compiledFolders();
    results = await runBench({
      ...DEFAULTS,
      ...SMOKE,
      stages: STAGES,
      work,
      resultsDir: work,
      command: 'npm run bench -- --smoke',
      log: () => {},
    });
  }, scaled(240_000));

  it('runs every stage and every contender to completion', () => {
    expect(results.stages.map((s) => s.stage).sort()).toEqual([
      'bundled',
      'ingest',
      'metrics',
      'refresh',
      'report',
      'startup',
    ]);
    for (const stage of results.stages) {
      for (const c of stage.contenders)
        expect({ stage: stage.stage, contender: c.name, errors: c.errors }).toEqual({
          stage: stage.stage,
          contender: c.name,
          errors: [],
        });
      for (const f of stage.figures) expect(Number.isFinite(f.summary.median), `${stage.stage}: ${f.label}`).toBe(true);
    }
    const ingest = results.stages.find((s) => s.stage === 'ingest')!;
    const chainwatch = ingest.contenders.find((c) => c.name === 'chainwatch')!.runs[0].result;
    // Every raw record is accounted for: landed, quarantined (the generator's defects) or a duplicate
    // (the derived row is the source's citation).
    const { rowsIn, rowsDerived, rowsOut, rowsRejected, rowsDuplicate } = chainwatch as Record<string, number>;
    expect(rowsOut + rowsRejected + rowsDuplicate).toBe(rowsIn + rowsDerived);
    expect(Number(chainwatch.rowsRejected)).toBeGreaterThan(0);
  });

  it('finds chainwatch, bare DuckDB, pandas and polars equal within 1e-9 on the metric tables', () => {
    const checks = results.stages.find((s) => s.stage === 'metrics')!.checks!;
    const trade = ['supplier_shares', 'concentration', 'dependency', 'trade_trend'];
    expect(checks.map((c) => `${c.table} ${c.b}`).sort()).toEqual(
      [...metricTables.map((t) => `${t.name} duckdb`), ...trade.flatMap((t) => [`${t} pandas`, `${t} polars`])].sort(),
    );
    // The dependency-screen tables read world trade, the screen frameworks and monthly rows, which the
    // synthetic universe does not generate (and the bench lake's bundled ingest runs at the 1970 epoch,
    // so dated bundled rows are quarantined as future): they need only agree, not be large.
    const screens = new Set([
      'world_supply',
      'supply_two_sided',
      'screen_criteria',
      'dependency_screen',
      'screen_persistence',
      'screen_churn',
      'mirror_gaps',
      'monthly_anomalies',
    ]);
    for (const c of checks) {
      if (!screens.has(c.table))
        // production and coverage (a row per product × year × source) are small at every size.
        expect(c.rowsA, `${c.table} has rows`).toBeGreaterThan(
          c.table.startsWith('production') || c.table === 'coverage' ? 0 : 100,
        );
      expect(c, `${c.table}: chainwatch vs ${c.b}`).toMatchObject({ ok: true, onlyInA: 0, onlyInB: 0, differing: 0 });
      expect(c.worst).toBeLessThanOrEqual(1e-9);
    }
  });

  it('leaves no compiled scripts behind in bench/work/ (a test worker ends by a signal, without exit handlers)', async () => {
    expect(await compiledFolders()).toEqual(compiledBefore);
  });

  it('writes results.md and results.json with every figure, the machine, the date and the command', async () => {
    const md = await readFile(join(work, 'results.md'), 'utf8');
    const json = JSON.parse(await readFile(join(work, 'results.json'), 'utf8')) as BenchResults;
    expect(json.stages).toHaveLength(results.stages.length);
    for (const f of results.stages.flatMap((s) => s.figures)) expect(md).toContain(`| ${f.label} |`);
    expect(md).toContain(results.machine.cpu);
    expect(md).toContain(`Measured ${results.date}`);
    expect(md).toContain('`npm run bench -- --smoke`');
  });
});
