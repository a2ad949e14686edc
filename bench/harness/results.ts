import { readFile, writeFile } from 'node:fs/promises';
import type { TableCheck } from '../cross-check.ts';
import type { Machine } from './machine.ts';
import type { FigureResult, StageResult, Target } from './stage.ts';

export interface StageReport extends StageResult {
  /** What the size means for this stage (e.g. "10,000,000 monthly + 1,234,567 annual rows"). */
  sizeLabel: string;
  checks?: TableCheck[];
  /** When this stage was measured (a merged results file holds stages of more than one run). */
  measuredAt?: string;
}

export interface BenchResults {
  date: string;
  command: string;
  machine: Machine;
  runs: Record<string, number>;
  stages: StageReport[];
  /** Figures across stages or sizes (scaling). */
  figures: FigureResult[];
}

const n = (x: number): string => x.toLocaleString('en-US');
const fixed = (x: number, unit: string): string => {
  if (!Number.isFinite(x)) return '—';
  if (unit === '×') return `${x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)}×`;
  if (unit === '%') return `${x.toFixed(1)} %`;
  return `${x >= 100 ? n(Math.round(x)) : x.toFixed(2)} ${unit}`;
};
const targetText = (t: Target | undefined, unit: string): string =>
  t ? `${t.op === '<=' ? '≤' : '≥'} ${fixed(t.value, unit)}` : '—';

/** How far a median is from its target, in the direction that matters. */
function status(f: FigureResult): string {
  if (!Number.isFinite(f.summary.median)) return '**not measured: a contender failed (see its stage)**';
  if (!f.target) return 'reported';
  if (f.met) return 'met';
  const miss = f.target.op === '<=' ? f.summary.median / f.target.value - 1 : 1 - f.summary.median / f.target.value;
  return `**missed by ${(miss * 100).toFixed(0)} %**`;
}

function figureRow(f: FigureResult, size: string): string {
  const { median, min, max } = f.summary;
  return `| ${f.label} | ${size} | ${fixed(median, f.unit)} | ${fixed(min, f.unit)} – ${fixed(max, f.unit)} | ${targetText(f.target, f.unit)} | ${status(f)} |`;
}

const seconds = (s: number): string =>
  !Number.isFinite(s) ? '—' : s >= 100 ? `${s.toFixed(0)} s` : s >= 10 ? `${s.toFixed(1)} s` : `${s.toFixed(2)} s`;

function stageSection(s: StageReport): string {
  const lines = [
    `### ${s.stage}, ${s.sizeLabel}`,
    '',
    ...(s.measuredAt ? [`Measured ${s.measuredAt.slice(0, 16).replace('T', ' ')} UTC.`, ''] : []),
    '| contender | work time (median) | min – max | peak RSS (median) | process wall (median) |',
    '|---|---:|---:|---:|---:|',
    ...s.contenders.map(
      (c) =>
        `| ${c.label} | ${seconds(c.seconds.median)} | ${seconds(c.seconds.min)} – ${seconds(c.seconds.max)} | ${Number.isFinite(c.peakRssMb.median) ? `${n(Math.round(c.peakRssMb.median))} MB` : '—'} | ${seconds(c.wallSeconds.median)} |`,
    ),
  ];
  const failures = s.contenders.flatMap((c) => {
    const failed = c.runs.filter((m) => m.error && !m.error.startsWith('not rerun after'));
    const skipped = c.runs.length - c.runs.filter((m) => !m.error).length - failed.length;
    return failed.map(
      (m, i) =>
        `- ${c.name} failed after ${seconds(m.wallSeconds)} at ${n(Math.round(m.peakRssMb))} MB peak RSS: ${m.error}` +
        (i === failed.length - 1 && skipped > 0
          ? ` (not rerun in the ${skipped} later run${skipped > 1 ? 's' : ''})`
          : ''),
    );
  });
  if (failures.length) lines.push('', 'Failed runs:', '', ...failures);
  if (s.checks?.length) {
    lines.push(
      '',
      `Cross-check of the last run's outputs (values equal within 1e-9, relative above 1):`,
      '',
      '| table | compared | rows | only in one | differing | largest difference | equal |',
      '|---|---|---:|---:|---:|---:|---|',
      ...s.checks.map((c) =>
        c.error
          ? `| ${c.table} | ${c.a} vs ${c.b} | — | — | — | — | **not compared**: ${c.error} |`
          : `| ${c.table} | ${c.a} vs ${c.b} | ${n(c.rowsA)} / ${n(c.rowsB)} | ${n(c.onlyInA + c.onlyInB)} | ${n(c.differing)} | ${c.worst.toExponential(1)} | ${c.ok ? 'yes' : '**no**'} |`,
      ),
    );
  }
  return lines.join('\n');
}

/** results.md: the targets first, then every stage's contenders, then the hand-written analysis. */
function resultsMarkdown(r: BenchResults, analysis: string): string {
  const m = r.machine;
  const rows = [
    ...r.stages.flatMap((s) => s.figures.map((f) => figureRow(f, n(s.size)))),
    ...r.figures.map((f) => figureRow(f, '—')),
  ];
  return [
    '# chainwatch benchmark: against the limit and the peers',
    '',
    `Measured ${r.date} on ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB (${m.os}); Node ${m.node}, @duckdb/node-api ${m.duckdbNode}; ${m.python}. ` +
      'A shared, noisy machine: absolute times drift, so every figure is a median over runs with its min – max, ' +
      'and every ratio is computed pair by pair within one run, the contenders interleaved.',
    '',
    `Reproduce: \`${r.command}\` (data: \`npm run bench:data -- --rows N\`, cached in bench/work/). Runs per figure: ${Object.entries(
      r.runs,
    )
      .map(([k, v]) => `${v} at ${k}`)
      .join(', ')}.`,
    '',
    '## Targets',
    '',
    '| figure | size (rows) | median | min – max | target | status |',
    '|---|---:|---:|---:|---:|---|',
    ...rows,
    '',
    '## Stages',
    '',
    "Work time is what each contender timed around its own work (reading input to writing output), so interpreter start-up and imports count for no one; process wall and peak RSS are GNU time's view of the whole process.",
    '',
    r.stages.map(stageSection).join('\n\n'),
    '',
    analysis.trim(),
    '',
  ].join('\n');
}

export async function readResults(dir: string): Promise<BenchResults | undefined> {
  return readFile(`${dir}/results.json`, 'utf8').then(
    (t) => JSON.parse(t) as BenchResults,
    () => undefined,
  );
}

export async function writeResults(r: BenchResults, dir: string, analysisFile?: string): Promise<void> {
  const analysis = analysisFile ? await readFile(analysisFile, 'utf8').catch(() => '') : '';
  await writeFile(`${dir}/results.json`, JSON.stringify(r, null, 2) + '\n');
  await writeFile(`${dir}/results.md`, resultsMarkdown(r, analysis));
}
