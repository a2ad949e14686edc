import { sleepMs, type HttpContext } from './retry.ts';

/**
 * Keeps at least `intervalMs` between calls: the polite way to stay under a per-second rate limit
 * instead of running into 429s. Uses the context's clock and sleep, so tests never wait.
 */
export function pacer(intervalMs: number, ctx: Pick<HttpContext, 'sleep' | 'now'>): () => Promise<void> {
  const now = ctx.now ?? Date.now;
  const sleep = ctx.sleep ?? sleepMs;
  let last: number | undefined;
  return async () => {
    if (last !== undefined) {
      const wait = last + intervalMs - now();
      if (wait > 0) await sleep(wait);
    }
    last = now();
  };
}
