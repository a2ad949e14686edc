import { SourceError } from '../errors.ts';
import type { HttpClient, HttpRequest, HttpResponse } from './http-client.ts';
import { redactHeaders, redactText, redactUrl, secretsOf } from './redact.ts';

interface RetryPolicy {
  /** Attempts after the first one. */
  retries: number;
  /** Backoff before retry n is uniform in [0, min(maxDelayMs, baseDelayMs·2ⁿ)] ("full jitter"). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** The longest Retry-After we honour; a longer one ends the source's run instead of idling a Lambda. */
  maxRetryAfterMs: number;
  /** Per-attempt timeout. */
  timeoutMs: number;
}

const DEFAULT_RETRY_POLICY: RetryPolicy = {
  retries: 4,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
  timeoutMs: 60_000,
};

/** What the HTTP layer reports; URLs and headers are already redacted. */
export interface HttpEvent {
  kind: 'request' | 'retry' | 'give-up';
  source: string;
  url: string;
  headers: Record<string, string>;
  attempt: number;
  status?: number;
  delayMs?: number;
  reason?: string;
}

/** Everything a connector needs to make requests; every part is injectable so tests run offline and instantly. */
export interface HttpContext {
  http: HttpClient;
  policy?: Partial<RetryPolicy>;
  sleep?: (ms: number) => Promise<void>;
  /** Uniform [0, 1): the jitter source. */
  random?: () => number;
  /** Wall clock in ms, for HTTP-date Retry-After values. */
  now?: () => number;
  log?: (event: HttpEvent) => void;
}

/** A request that failed for good: a non-retryable status, or retries exhausted. The URL is redacted. */
export class HttpError extends SourceError {
  readonly source: string;
  readonly url: string;
  readonly status: number | undefined;
  readonly attempts: number;
  constructor(o: {
    source: string;
    url: string;
    status?: number;
    attempts: number;
    message: string;
    hint: string;
    cause?: unknown;
  }) {
    super(o.message, o.hint, { cause: o.cause });
    this.source = o.source;
    this.url = o.url;
    this.status = o.status;
    this.attempts = o.attempts;
  }
}

/** Thrown by a body parser for a body that is unusable but may be fine on a second try (truncated JSON). */
export class BadBodyError extends Error {}

const RETRYABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);

/** What the system said about a connection, by its error code (fetch hides it in `cause`). */
const NETWORK_CAUSES: Record<string, string> = {
  ENOTFOUND: 'DNS lookup failed: no such host',
  EAI_AGAIN: 'DNS lookup failed (no DNS server answered; offline?)',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the server',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable (offline?)',
  CERT_HAS_EXPIRED: 'TLS certificate expired',
};

/** `fetch failed` names nothing; its cause does: `connection refused (ECONNREFUSED 127.0.0.1:9)`. */
function networkFailure(error: TypeError): string {
  const cause = error.cause as
    | (NodeJS.ErrnoException & { hostname?: string; address?: string; port?: number })
    | undefined;
  const code = cause?.code;
  if (!code) return `network error (${error.message}${cause?.message ? `: ${cause.message}` : ''})`;
  const where = cause.hostname ?? (cause.address ? `${cause.address}${cause.port ? `:${cause.port}` : ''}` : '');
  return `${NETWORK_CAUSES[code] ?? 'network error'} (${code}${where ? ` ${where}` : ''})`;
}

export const sleepMs = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Retry-After is either delta-seconds or an HTTP-date. */
export function retryAfterMs(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const t = value.trim();
  if (/^\d+$/.test(t)) return Number(t) * 1000;
  const at = Date.parse(t);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

const snippet = (body: Uint8Array, secrets: string[]): string => {
  const text = new TextDecoder().decode(body.subarray(0, 300)).replace(/\s+/g, ' ').trim();
  return text === '' ? '' : `: ${redactText(text, secrets)}`;
};

export interface FetchOptions<T> {
  /** Source id for messages (`comtrade`, `census`, `usgs`). */
  source: string;
  /** Turn a 2xx response into a value; throw BadBodyError to retry, any other error to fail. */
  parse: (response: HttpResponse) => T;
  /** What to tell the user for a non-retryable status (401: set the key, 400: check the query, …). */
  hintFor?: (status: number) => string | undefined;
}

/**
 * GET with retries: 429, 408/425 and 5xx, network errors, timeouts and unusable bodies are retried
 * with full-jitter exponential backoff, or after exactly Retry-After when the server says so.
 * Anything else fails at once. Failure is always an HttpError with a redacted URL and a hint.
 */
export async function fetchWithRetry<T>(
  ctx: HttpContext,
  request: HttpRequest,
  options: FetchOptions<T>,
): Promise<{ response: HttpResponse; value: T }> {
  const policy = { ...DEFAULT_RETRY_POLICY, ...ctx.policy };
  const sleep = ctx.sleep ?? sleepMs;
  const random = ctx.random ?? Math.random;
  const now = ctx.now ?? Date.now;
  const secrets = secretsOf(request.url, request.headers);
  const url = redactUrl(request.url);
  const headers = redactHeaders(request.headers);
  const { source } = options;
  const emit = (e: Omit<HttpEvent, 'source' | 'url' | 'headers'>) => ctx.log?.({ source, url, headers, ...e });

  let lastReason = '';
  let lastStatus: number | undefined;
  let lastCause: unknown;
  for (let attempt = 1; attempt <= policy.retries + 1; attempt++) {
    emit({ kind: 'request', attempt });
    let waitMs: number | undefined;
    let response: HttpResponse | undefined;
    try {
      response = await ctx.http(request, AbortSignal.timeout(policy.timeoutMs));
    } catch (e) {
      // fetch rejects with TypeError on a network failure and TimeoutError/AbortError on a timeout.
      if (!(e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError' || e instanceof TypeError)))
        throw e;
      lastReason =
        e.name === 'TypeError' ? redactText(networkFailure(e), secrets) : `no response within ${policy.timeoutMs} ms`;
      lastStatus = undefined;
      lastCause = e;
    }
    if (response) {
      lastStatus = response.status;
      if (response.status >= 200 && response.status < 300) {
        try {
          return { response, value: options.parse(response) };
        } catch (e) {
          if (!(e instanceof BadBodyError)) throw e;
          lastReason = `unusable response body (${redactText(e.message, secrets)})`;
          lastCause = e;
        }
      } else if (RETRYABLE_STATUS.has(response.status)) {
        lastReason = `HTTP ${response.status}${snippet(response.body, secrets)}`;
        waitMs = retryAfterMs(response.headers['retry-after'], now());
        if (waitMs !== undefined && waitMs > policy.maxRetryAfterMs) {
          emit({
            kind: 'give-up',
            attempt,
            status: response.status,
            reason: `Retry-After ${Math.round(waitMs / 1000)} s is too long`,
          });
          throw new HttpError({
            source,
            url,
            status: response.status,
            attempts: attempt,
            message: `${source}: ${url} answered ${lastReason} and asked to wait ${Math.round(waitMs / 1000)} s`,
            hint: `The ${source} service is rate-limiting this client; run the refresh again later (its last good data stays published).`,
          });
        }
      } else {
        emit({ kind: 'give-up', attempt, status: response.status, reason: 'not retryable' });
        throw new HttpError({
          source,
          url,
          status: response.status,
          attempts: attempt,
          message: `${source}: ${url} answered HTTP ${response.status}${snippet(response.body, secrets)}`,
          hint:
            options.hintFor?.(response.status) ??
            `Check the request parameters; HTTP ${response.status} is not a temporary failure.`,
        });
      }
    }
    if (attempt > policy.retries) break;
    const delayMs =
      waitMs ?? Math.floor(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1)));
    emit({ kind: 'retry', attempt, status: lastStatus, delayMs, reason: lastReason });
    await sleep(delayMs);
  }
  emit({ kind: 'give-up', attempt: policy.retries + 1, status: lastStatus, reason: lastReason });
  throw new HttpError({
    source,
    url,
    status: lastStatus,
    attempts: policy.retries + 1,
    cause: lastCause,
    message: `${source}: ${url} failed after ${policy.retries + 1} attempts; last: ${lastReason}`,
    hint:
      lastStatus === undefined && lastCause instanceof TypeError
        ? `${source} could not be reached: check the network and DNS of this machine (offline runs use the bundled data: chainwatch run). The lake keeps the last good data.`
        : `The ${source} service looks unavailable; the run marks it stale and keeps its last good data. Try again later.`,
  });
}
