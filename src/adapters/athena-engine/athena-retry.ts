/** Error names Athena and the SDK use when a request is refused for rate or concurrency limits. */
const THROTTLING = new Set([
  'TooManyRequestsException',
  'ThrottlingException',
  'ThrottledException',
  'RequestLimitExceeded',
]);

export const isThrottling = (error: unknown): boolean => {
  const e = error as { name?: string; $retryable?: { throttling?: boolean } } | undefined;
  return THROTTLING.has(e?.name ?? '') || e?.$retryable?.throttling === true;
};

export interface RetryOptions {
  /** Total attempts, the first one included. */
  attempts?: number;
  baseMs?: number;
  capMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Run `fn`, retrying only when Athena throttles it, with exponential backoff and full jitter
 * (a random wait up to base·2^n, capped) so parallel metric queries do not retry in lock step.
 * StartQueryExecution is throttled when the account's concurrent-query quota is full, which
 * lasts longer than the SDK's own three quick retries.
 */
export async function retryOnThrottle<T>(
  fn: () => Promise<T>,
  { attempts = 6, baseMs = 500, capMs = 20_000 }: RetryOptions = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!isThrottling(error) || attempt >= attempts) throw error;
      await sleep(Math.random() * Math.min(capMs, baseMs * 2 ** (attempt - 1)));
    }
  }
}
