import { measure, type Measurement } from './measure.ts';
import { summarize, type Summary } from './stats.ts';

/** One program in a stage, run as its own process. */
interface Contender {
  name: string;
  label: string;
  command: string[];
  /** How to read a program that prints no result line (measure.ts); its time is then the whole process's. */
  resultOf?: (stdout: string) => Record<string, unknown>;
  timeoutSeconds?: number;
  /** Untimed preparation before every run (e.g. empty its output folder). */
  before?: () => Promise<void>;
}

export interface Target {
  op: '<=' | '>=';
  value: number;
}

/** A figure computed from each run's measurements, pair by pair in the same run. */
export interface Comparison {
  id: string;
  label: string;
  /** '×' for ratios; anything else is printed after the value (MB, rows/s). */
  unit: string;
  value: (run: Record<string, Measurement>) => number;
  target?: Target;
}

export interface StagePlan {
  stage: string;
  size: number;
  runs: number;
  /** Untimed, once before the first run: e.g. read the inputs so the first contender does not pay a cold page cache. */
  warmUp?: () => Promise<void>;
  contenders: Contender[];
  comparisons: Comparison[];
  log?: (line: string) => void;
}

interface ContenderSummary {
  name: string;
  label: string;
  /** Failures, one per failed run. */
  errors: string[];
  seconds: Summary;
  wallSeconds: Summary;
  peakRssMb: Summary;
  runs: Measurement[];
}

export interface FigureResult {
  id: string;
  label: string;
  unit: string;
  values: number[];
  summary: Summary;
  target?: Target;
  met?: boolean;
}

export interface StageResult {
  stage: string;
  size: number;
  contenders: ContenderSummary[];
  figures: FigureResult[];
}

const meets = (value: number, t: Target): boolean => (t.op === '<=' ? value <= t.value : value >= t.value);

export function figureOf(c: Omit<Comparison, 'value'>, values: number[]): FigureResult {
  const summary = summarize(values);
  return {
    id: c.id,
    label: c.label,
    unit: c.unit,
    values,
    summary,
    target: c.target,
    met: c.target ? meets(summary.median, c.target) : undefined,
  };
}

/**
 * Run every contender `runs` times, interleaved (run i starts with contender i mod n, so drift on
 * a shared machine hits every contender alike), and compute each comparison within each run.
 */
export async function runStage(plan: StagePlan): Promise<StageResult> {
  const log = plan.log ?? (() => {});
  const perRun: Record<string, Measurement>[] = [];
  await plan.warmUp?.();
  for (let i = 0; i < plan.runs; i++) {
    const run: Record<string, Measurement> = {};
    const n = plan.contenders.length;
    for (let j = 0; j < n; j++) {
      const c = plan.contenders[(i + j) % n];
      const failedBefore = perRun.find((r) => r[c.name].error)?.[c.name];
      if (failedBefore) {
        // A contender that failed (out of memory, time limit) fails again: do not spend the budget on it.
        run[c.name] = {
          ...failedBefore,
          error: `not rerun after: ${failedBefore.error!.replace(/^not rerun after: /, '')}`,
        };
        continue;
      }
      try {
        await c.before?.();
      } catch (error) {
        run[c.name] = {
          seconds: NaN,
          wallSeconds: NaN,
          cpuSeconds: NaN,
          peakRssMb: NaN,
          result: { seconds: NaN },
          error: `preparation failed: ${(error as Error).message}`,
        };
        log(
          `  ${plan.stage} ${plan.size.toLocaleString('en-US')} run ${i + 1}/${plan.runs} ${c.name}: ${run[c.name].error}`,
        );
        continue;
      }
      const m = await measure(c.command, { timeoutSeconds: c.timeoutSeconds, resultOf: c.resultOf });
      run[c.name] = m;
      const outcome = m.error ? `FAILED after ${m.wallSeconds.toFixed(1)} s (${m.error})` : `${m.seconds.toFixed(2)} s`;
      log(
        `  ${plan.stage} ${plan.size.toLocaleString('en-US')} run ${i + 1}/${plan.runs} ${c.name}: ${outcome}, ${m.peakRssMb.toFixed(0)} MB`,
      );
    }
    perRun.push(run);
  }
  return {
    stage: plan.stage,
    size: plan.size,
    contenders: plan.contenders.map((c) => {
      const runs = perRun.map((r) => r[c.name]);
      return {
        name: c.name,
        label: c.label,
        errors: runs.flatMap((m) => (m.error ? [m.error] : [])),
        seconds: summarize(runs.map((m) => m.seconds)),
        wallSeconds: summarize(runs.map((m) => m.wallSeconds)),
        peakRssMb: summarize(runs.map((m) => m.peakRssMb)),
        runs,
      };
    }),
    figures: plan.comparisons.map((c) =>
      figureOf(
        c,
        perRun.map((r) => c.value(r)),
      ),
    ),
  };
}
