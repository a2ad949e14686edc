import { execFileSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureGenerated } from './generate.ts';
import { describeMachine } from './harness/machine.ts';
import { BenchSetupError, requireGnuTime } from './harness/measure.ts';
import { readResults, writeResults, type BenchResults, type StageReport } from './harness/results.ts';
import { figureOf, type FigureResult } from './harness/stage.ts';
import { REPO, removeCompiledScripts } from './stages/context.ts';
import { bundledStage } from './stages/bundled.ts';
import { ingestStage } from './stages/ingest.ts';
import { startupStage } from './stages/startup.ts';
import { metricsStage } from './stages/metrics.ts';
import { refreshStage } from './stages/refresh.ts';
import { reportStage, type ReportSize } from './stages/report.ts';

export const STAGES = ['startup', 'metrics', 'ingest', 'bundled', 'report', 'refresh', 'scaling'] as const;
export type StageName = (typeof STAGES)[number];

export interface BenchOptions {
  /** Monthly rows of the trade table, smallest first (default 1M and 10M). */
  sizes: number[];
  /** Runs per figure below `largeFrom` rows, and at or above it. */
  runs: number;
  runsLarge: number;
  largeFrom: number;
  /** Runs of the start-up stage at least: a start-up is short and noisy, so it takes more runs than the rest. */
  startupRuns: number;
  stages: readonly StageName[];
  /** Product pages of the report stage, which runs at every size. */
  reportProducts: number;
  /** Size (monthly rows) the refresh-vs-rebuild stage runs at. */
  refreshSize: number;
  /** Rows of the trade mart the bundled-ingest stage lands. */
  bundledSize: number;
  /** Years of trade data (10; fewer only for the smoke run). */
  years: number;
  work: string;
  /** Where results.md / results.json go; none for a smoke run that only checks. */
  resultsDir?: string;
  /** Keep the stages of the results already there that this run does not measure again. */
  merge?: boolean;
  command: string;
  log: (line: string) => void;
}

export const DEFAULTS: Omit<BenchOptions, 'log' | 'command'> = {
  sizes: [1_000_000, 10_000_000],
  runs: 3,
  runsLarge: 3,
  largeFrom: 5_000_000,
  startupRuns: 5,
  stages: STAGES,
  // A thousand product pages, at every size: the report asks the engine for each page's rows, so its
  // time and memory should not grow with the trade table.
  reportProducts: 1000,
  refreshSize: 1_000_000,
  bundledSize: 1_000_000,
  years: 10,
  work: join(REPO, 'bench', 'work'),
  resultsDir: join(REPO, 'bench'),
};

/** A run small enough for `npm test` (test/system/bench-smoke.test.ts): every stage and the cross-check, no figures worth quoting. */
export const SMOKE: Partial<BenchOptions> = {
  sizes: [10_000],
  runs: 1,
  runsLarge: 1,
  startupRuns: 1,
  years: 2,
  reportProducts: 10,
  refreshSize: 10_000,
  bundledSize: 10_000,
  resultsDir: undefined,
};

const sizeLabel = (rows: number, annual: number): string =>
  `${rows.toLocaleString('en-US')} monthly + ${annual.toLocaleString('en-US')} annual rows`;

/**
 * Time at the largest size over time at the smallest, run by run: linear scaling is the size ratio. The sizes
 * are those the results hold, so a merged run of one size keeps the rows its earlier runs of the other made.
 */
function scalingFigures(stages: StageReport[]): FigureResult[] {
  const sizes = [
    ...new Set(stages.filter((s) => s.stage === 'metrics' || s.stage === 'ingest').map((s) => s.size)),
  ].sort((a, b) => a - b);
  const [small, large] = [sizes[0], sizes.at(-1)!];
  if (small === large) return [];
  const growth = large / small;
  return ['metrics', 'ingest'].flatMap((stage) => {
    const a = stages
      .find((s) => s.stage === stage && s.size === small)
      ?.contenders.find((c) => c.name === 'chainwatch');
    const b = stages
      .find((s) => s.stage === stage && s.size === large)
      ?.contenders.find((c) => c.name === 'chainwatch');
    if (!a || !b) return [];
    // A failed run has no time (NaN here, null once read back from results.json).
    const seconds = (m: { seconds: number | null }) =>
      typeof m.seconds === 'number' && Number.isFinite(m.seconds) ? m.seconds : NaN;
    const pairs = Math.min(a.runs.length, b.runs.length);
    const values = Array.from({ length: pairs }, (_, i) => seconds(b.runs[i]) / seconds(a.runs[i]));
    // 10× the largest size, not run: the measured growth carried one step further (t ∝ rows^k).
    const k =
      Math.log(seconds({ seconds: b.seconds.median }) / seconds({ seconds: a.seconds.median })) / Math.log(growth);
    const extrapolated = b.seconds.median * 10 ** k;
    return [
      figureOf(
        {
          id: `scaling.${stage}`,
          label: `${stage}: time at ${large.toLocaleString('en-US')} / time at ${small.toLocaleString('en-US')} rows (chainwatch)`,
          unit: '×',
          target: { op: '<=', value: growth * 1.05 },
        },
        values,
      ),
      figureOf(
        {
          id: `extrapolated.${stage}`,
          label: `${stage}: extrapolated time at ${(10 * large).toLocaleString('en-US')} rows (t ∝ rows^${k.toFixed(2)}, not run)`,
          unit: 's',
        },
        [extrapolated],
      ),
    ];
  });
}

export async function runBench(o: BenchOptions): Promise<BenchResults> {
  requireGnuTime();
  // The CLI contenders run the compiled CLI, as a user does: compile the sources being measured.
  execFileSync(process.execPath, [join(REPO, 'scripts', 'build.mjs')], { stdio: 'inherit' });
  await mkdir(o.work, { recursive: true });
  const stages: StageReport[] = [];
  const runsFor = (rows: number) => (rows >= o.largeFrom ? o.runsLarge : o.runs);
  const want = (s: StageName) => o.stages.includes(s);

  try {
    // `scaling` measures nothing itself: its figures come from the metrics and ingest stages at both sizes.
    const sized = async (rows: number) => {
      const data = await ensureGenerated({ rows, years: o.years, dir: join(o.work, `rows-${rows}`), log: o.log });
      return { work: o.work, runs: runsFor(rows), log: o.log, data };
    };
    for (const rows of want('startup') || want('metrics') || want('ingest') ? o.sizes : []) {
      const ctx = await sized(rows);
      const { data } = ctx;
      if (want('startup') && rows === o.sizes[0]) {
        o.log('start-up of the CLI');
        stages.push({
          ...(await startupStage({ ...ctx, runs: Math.max(ctx.runs, o.startupRuns) })),
          sizeLabel: `the ${sizeLabel(data.rows, data.annualRows)} lake`,
        });
      }
      if (want('metrics')) {
        o.log(`metrics at ${sizeLabel(data.rows, data.annualRows)}`);
        stages.push({ ...(await metricsStage(ctx)), sizeLabel: sizeLabel(data.rows, data.annualRows) });
      }
      if (want('ingest')) {
        const label = `${data.rawMonthlyRows.toLocaleString('en-US')} raw monthly records (${data.badRows.toLocaleString('en-US')} defective across all periods)`;
        o.log(`ingest of ${label}`);
        stages.push({ ...(await ingestStage(ctx)), sizeLabel: label });
      }
    }
    if (want('bundled')) {
      o.log(`bundled ingest of a ${o.bundledSize.toLocaleString('en-US')}-row trade mart`);
      stages.push({
        ...(await bundledStage({ work: o.work, runs: runsFor(o.bundledSize), log: o.log }, o.bundledSize)),
        sizeLabel: `${o.bundledSize.toLocaleString('en-US')}-row trade mart`,
      });
    }
    if (want('refresh')) {
      const ctx = await sized(o.refreshSize);
      o.log(`refresh vs rebuild at ${ctx.data.rows.toLocaleString('en-US')} monthly rows`);
      stages.push({
        ...(await refreshStage(ctx)),
        sizeLabel: `${ctx.data.rows.toLocaleString('en-US')} monthly rows, one more month`,
      });
    }
    if (want('report')) {
      for (const rows of o.sizes) {
        const size: ReportSize = { products: o.reportProducts, rows, years: o.years };
        o.log(`report with ${size.products} product pages from ${rows.toLocaleString('en-US')} monthly rows`);
        stages.push(await reportStage({ work: o.work, runs: runsFor(rows), log: o.log }, size));
      }
    }
  } finally {
    // A test worker ends by a signal, and a process's exit handlers do not run then.
    removeCompiledScripts();
  }

  const measuredAt = new Date().toISOString();
  for (const s of stages) s.measuredAt = measuredAt;
  // `--stages metrics` on top of an earlier full run: the new stages replace theirs, the rest stay.
  const earlier = o.merge && o.resultsDir ? await readResults(o.resultsDir) : undefined;
  const kept = (earlier?.stages ?? []).filter((e) => !stages.some((s) => s.stage === e.stage && s.size === e.size));
  const all = [...kept, ...stages].sort(
    (a, b) => STAGES.indexOf(a.stage as StageName) - STAGES.indexOf(b.stage as StageName) || a.size - b.size,
  );
  const results: BenchResults = {
    date: measuredAt.slice(0, 10),
    command: earlier?.command ?? o.command,
    machine: describeMachine(),
    runs: {
      ...earlier?.runs,
      ...Object.fromEntries(o.sizes.map((s) => [`${s.toLocaleString('en-US')} rows`, runsFor(s)])),
    },
    stages: all,
    figures: scalingFigures(all),
  };
  if (o.resultsDir) await writeResults(results, o.resultsDir, join(REPO, 'bench', 'analysis.md'));
  return results;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string' },
      runs: { type: 'string' },
      'runs-large': { type: 'string' },
      stages: { type: 'string' },
      products: { type: 'string' },
      'refresh-size': { type: 'string' },
      'bundled-size': { type: 'string' },
      work: { type: 'string' },
      smoke: { type: 'boolean' },
      merge: { type: 'boolean' },
      render: { type: 'boolean' },
    },
  });
  if (values.render) {
    // Measures nothing: results.md again from results.json and the hand-written bench/analysis.md.
    const dir = DEFAULTS.resultsDir!;
    const earlier = await readResults(dir);
    if (!earlier) throw new BenchSetupError(`No ${join(dir, 'results.json')} to render`, 'Run npm run bench first.');
    await writeResults(
      { ...earlier, figures: scalingFigures(earlier.stages) },
      dir,
      join(REPO, 'bench', 'analysis.md'),
    );
    console.log(`bench: wrote ${join(dir, 'results.md')} from results.json and bench/analysis.md`);
    return;
  }
  const list = (s: string | undefined) =>
    s
      ?.split(',')
      .map((x) => x.trim())
      .filter(Boolean);
  const stages = (list(values.stages) ?? [...STAGES]) as StageName[];
  const unknown = stages.filter((s) => !(STAGES as readonly string[]).includes(s));
  if (unknown.length) throw new BenchSetupError(`Unknown stage ${unknown.join(', ')}`, `Stages: ${STAGES.join(', ')}`);
  const smoke = values.smoke ?? false;
  const options: BenchOptions = {
    ...DEFAULTS,
    ...(smoke ? SMOKE : {}),
    stages,
    log: console.log,
    command: `npm run bench${process.argv.length > 2 ? ' -- ' + process.argv.slice(2).join(' ') : ''}`,
  };
  if (values.sizes) options.sizes = list(values.sizes)!.map(Number);
  if (values.runs) options.runs = Number(values.runs);
  if (values['runs-large']) options.runsLarge = Number(values['runs-large']);
  if (values.products) options.reportProducts = Number(values.products);
  if (values['refresh-size']) options.refreshSize = Number(values['refresh-size']);
  if (values['bundled-size']) options.bundledSize = Number(values['bundled-size']);
  if (values.work) options.work = values.work;
  if (values.merge) options.merge = true;
  const results = await runBench(options);
  const checks = results.stages.flatMap((s) => s.checks ?? []);
  const failed = checks.filter((c) => !c.ok);
  if (checks.length)
    console.log(
      `bench: cross-check ${checks.length - failed.length}/${checks.length} table comparisons equal within 1e-9`,
    );
  for (const c of failed)
    console.error(
      `bench: ${c.table} differs between ${c.a} and ${c.b} (${c.onlyInA + c.onlyInB} unmatched, ${c.differing} differing rows)`,
    );
  if (options.resultsDir) console.log(`bench: wrote ${join(options.resultsDir, 'results.md')} and results.json`);
  if (failed.length) process.exitCode = 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(`bench: ${(error as Error).message}${error instanceof BenchSetupError ? `\n  → ${error.hint}` : ''}`);
    process.exitCode = 1;
  });
}
