import { vi } from 'vitest';

/** One line a handler wrote: a Powertools JSON log record, or an embedded-metric-format (EMF) record. */
export type LambdaRecord = Record<string, any>;

/**
 * What the handlers write to stdout and stderr while `fn` runs — as Lambda ships it to CloudWatch, one JSON
 * document per line (Powertools writes through its own Console on process.stdout, not console.log).
 * A line that is not JSON fails the capture: a handler's log must be structured throughout.
 */
export async function captureLambdaLog<T>(
  fn: () => Promise<T>,
): Promise<{ result?: T; error?: unknown; raw: string; records: LambdaRecord[] }> {
  let raw = '';
  const capture = (chunk: string | Uint8Array) => {
    raw += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  };
  // Lambda sends both streams to the function's log group; errors are written to stderr.
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation(capture),
    vi.spyOn(process.stderr, 'write').mockImplementation(capture),
  ];
  let result: T | undefined;
  let error: unknown;
  try {
    result = await fn();
  } catch (e) {
    error = e;
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  const records = raw
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as LambdaRecord;
      } catch {
        throw new Error(`A handler wrote a line that is not JSON: ${line}`);
      }
    });
  return { result, error, raw, records };
}

/** The log records (not metrics), their message first. */
export const logRecords = (records: LambdaRecord[]) => records.filter((r) => typeof r.message === 'string');

/** Every metric value in the EMF records: name, its dimensions (besides service) and value. */
export function emittedMetrics(
  records: LambdaRecord[],
): { namespace: string; name: string; dimensions: Record<string, string>; value: number }[] {
  return records
    .filter((r) => r._aws?.CloudWatchMetrics)
    .flatMap((r) =>
      r._aws.CloudWatchMetrics.flatMap(
        (m: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }) =>
          m.Metrics.map((metric) => ({
            namespace: m.Namespace,
            name: metric.Name,
            dimensions: Object.fromEntries(m.Dimensions.flat().map((d) => [d, String(r[d])])),
            value: Number(r[metric.Name]),
          })),
      ),
    );
}
