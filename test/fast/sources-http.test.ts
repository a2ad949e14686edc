import { describe, expect, it } from 'vitest';
import { SourceError } from '../../src/core/errors.ts';
import { jsonBody } from '../../src/core/http/json-body.ts';
import { pacer } from '../../src/core/http/pace.ts';
import { redactHeaders, redactText, redactUrl } from '../../src/core/http/redact.ts';
import { replayHttp, type Reply } from '../support/replay-http.ts';
import {
  fetchWithRetry,
  HttpError,
  retryAfterMs,
  type HttpContext,
  type HttpEvent,
} from '../../src/core/http/retry.ts';

const URL_ = 'https://api.example.test/data?get=X&key=CENSUS-SECRET-123';
const HEADERS = { 'Ocp-Apim-Subscription-Key': 'COMTRADE-SECRET-456', Accept: 'application/json' };
const SECRETS = ['CENSUS-SECRET-123', 'COMTRADE-SECRET-456'];

/** A context whose sleeps are recorded, not waited, and whose jitter is fixed. */
function context(replies: Reply[], policy: HttpContext['policy'] = {}) {
  const http = replayHttp([{ path: '/data', replies }]);
  const sleeps: number[] = [];
  const events: HttpEvent[] = [];
  const ctx: HttpContext = {
    http,
    policy: { retries: 3, baseDelayMs: 1000, maxDelayMs: 8000, maxRetryAfterMs: 60_000, ...policy },
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0.5,
    now: () => Date.parse('2025-07-01T00:00:00Z'),
    log: (e) => events.push(e),
  };
  return { ctx, http, sleeps, events };
}

const get = (ctx: HttpContext) =>
  fetchWithRetry(ctx, { url: URL_, headers: HEADERS }, { source: 'test', parse: jsonBody });

describe('fetchWithRetry', () => {
  it('waits exactly Retry-After seconds after a 429, then succeeds', async () => {
    const { ctx, sleeps, http } = context([{ status: 429, headers: { 'Retry-After': '7' } }, { body: '{"ok":true}' }]);
    const { value } = await get(ctx);
    expect(value).toEqual({ ok: true });
    expect(sleeps).toEqual([7000]);
    expect(http.calls).toHaveLength(2);
  });

  it('honours an HTTP-date Retry-After', () => {
    expect(retryAfterMs('Tue, 01 Jul 2025 00:00:30 GMT', Date.parse('2025-07-01T00:00:00Z'))).toBe(30_000);
    expect(retryAfterMs('soon', 0)).toBeUndefined();
  });

  it('backs off with full jitter on 5xx: uniform in [0, base·2ⁿ] capped at maxDelay', async () => {
    const { ctx, sleeps } = context([{ status: 503 }, { status: 502 }, { status: 500 }, { body: '[]' }]);
    await get(ctx);
    // random() = 0.5 → half of 1000, 2000, 4000.
    expect(sleeps).toEqual([500, 1000, 2000]);
  });

  it('gives up after the last retry with a typed SourceError that names status, attempts and what to do', async () => {
    const { ctx, sleeps } = context([{ status: 503, body: 'Service Unavailable' }]);
    const error = await get(ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toBeInstanceOf(SourceError);
    const e = error as HttpError;
    expect([e.status, e.attempts]).toEqual([503, 4]);
    expect(e.message).toMatch(/failed after 4 attempts; last: HTTP 503: Service Unavailable/);
    expect(e.hint).toMatch(/stale/);
    expect(sleeps).toHaveLength(3);
  });

  it('does not idle for a Retry-After longer than the policy allows', async () => {
    const { ctx, sleeps, http } = context([{ status: 429, headers: { 'retry-after': '3600' } }]);
    await expect(get(ctx)).rejects.toThrow(/asked to wait 3600 s/);
    expect(sleeps).toEqual([]);
    expect(http.calls).toHaveLength(1);
  });

  it('fails at once on a status that retrying cannot fix, with the caller’s hint', async () => {
    const { ctx, http } = context([{ status: 401, body: '{"statusCode":401}' }]);
    const error = await fetchWithRetry(
      ctx,
      { url: URL_ },
      { source: 'test', parse: jsonBody, hintFor: (s) => (s === 401 ? 'set the key' : undefined) },
    ).catch((e: HttpError) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).hint).toBe('set the key');
    expect(http.calls).toHaveLength(1);
  });

  it('retries network errors and timeouts', async () => {
    const timeout = Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });
    const { ctx, events } = context([{ error: new TypeError('fetch failed') }, { error: timeout }, { body: '1' }]);
    expect((await get(ctx)).value).toBe(1);
    expect(events.filter((e) => e.kind === 'retry').map((e) => e.reason)).toEqual([
      'network error (fetch failed)',
      'no response within 60000 ms',
    ]);
  });

  it('retries a truncated JSON body, and gives up if it stays truncated', async () => {
    const good = '{"count":1,"data":[1]}';
    const once = context([{ body: good.slice(0, 12) }, { body: good }]);
    expect((await get(once.ctx)).value).toEqual({ count: 1, data: [1] });
    const always = context([{ body: good.slice(0, 12) }]);
    await expect(get(always.ctx)).rejects.toThrow(/unusable response body \(not valid JSON .*truncated\?\)/);
  });

  it('treats HTTP 204 as an empty success', async () => {
    const { ctx } = context([{ status: 204 }]);
    expect((await get(ctx)).value).toBeUndefined();
  });

  it('never lets a key reach a log event or an error, even when the server echoes it', async () => {
    const echo = `bad request for ${URL_} with key COMTRADE-SECRET-456`;
    const { ctx, events } = context([{ status: 500, body: echo }]);
    const error = (await get(ctx).catch((e: HttpError) => e)) as HttpError;
    const logged = JSON.stringify(events) + error.message + error.hint + error.url;
    for (const secret of SECRETS) expect(logged).not.toContain(secret);
    expect(events[0].url).toBe('https://api.example.test/data?get=X&key=***');
    expect(events[0].headers['Ocp-Apim-Subscription-Key']).toBe('***');
    expect(events[0].headers.Accept).toBe('application/json');
  });
});

describe('redaction', () => {
  it('masks credential query parameters and headers, and leaves the rest', () => {
    expect(redactUrl('https://a.test/p?subscription-key=abc&reporterCode=842')).toBe(
      'https://a.test/p?subscription-key=***&reporterCode=842',
    );
    expect(redactUrl('https://a.test/p?time=from+2024-01&KEY=abc')).toBe('https://a.test/p?time=from+2024-01&KEY=***');
    expect(redactHeaders({ 'ocp-apim-subscription-key': 'k', Authorization: 'Bearer t', 'User-Agent': 'x' })).toEqual({
      'ocp-apim-subscription-key': '***',
      Authorization: '***',
      'User-Agent': 'x',
    });
    expect(redactText('GET /x?key=abc&y=1 failed; token SECRETVALUE', ['SECRETVALUE'])).toBe(
      'GET /x?key=***&y=1 failed; token ***',
    );
  });
});

describe('pacer', () => {
  it('spaces calls by the interval using the injected clock', async () => {
    let t = 0;
    const sleeps: number[] = [];
    const pace = pacer(1000, {
      now: () => t,
      sleep: async (ms) => {
        sleeps.push(ms);
        t += ms;
      },
    });
    await pace();
    t += 250;
    await pace();
    await pace();
    expect(sleeps).toEqual([750, 1000]);
  });
});
