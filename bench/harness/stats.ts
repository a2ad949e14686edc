/** Median, min and max of a sample: the summary every figure in the results carries. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  n: number;
}

/** Over the finite values only: a failed run (NaN) is reported apart, not averaged in. */
export function summarize(values: readonly number[]): Summary {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return { median: NaN, min: NaN, max: NaN, n };
  const median = n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  return { median, min: sorted[0], max: sorted[n - 1], n };
}
