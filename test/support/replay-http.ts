import type { HttpClient, HttpRequest, HttpResponse } from '../../src/core/http/http-client.ts';

/** A canned reply: a response, or a network-level failure (thrown instead of answering). */
export type Reply =
  | { status?: number; headers?: Record<string, string>; body?: string | Uint8Array }
  | { error: Error };

/** Requests whose URL path ends with `path` and whose query has every `query` pair get `replies` in order; the last one repeats. */
export interface Route {
  path: string;
  query?: Record<string, string>;
  replies: Reply[];
}

export interface ReplayHttp extends HttpClient {
  /** Every request received, in order (with headers, so tests can check what was sent). */
  readonly calls: HttpRequest[];
}

function matches(route: Route, url: URL): boolean {
  if (!url.pathname.endsWith(route.path)) return false;
  return Object.entries(route.query ?? {}).every(([k, v]) => url.searchParams.get(k) === v);
}

/**
 * An HttpClient that replays recorded responses and injected faults, for tests and offline demos.
 * The first matching route answers; a request no route matches is a test bug and fails loudly.
 */
export function replayHttp(routes: Route[]): ReplayHttp {
  const served = new Map<Route, number>();
  const calls: HttpRequest[] = [];
  const client = async (request: HttpRequest): Promise<HttpResponse> => {
    calls.push(request);
    const url = new URL(request.url);
    const route = routes.find((r) => matches(r, url));
    if (!route) throw new Error(`replayHttp: no route for ${url.pathname}${url.search}`);
    const n = served.get(route) ?? 0;
    served.set(route, n + 1);
    const reply = route.replies[Math.min(n, route.replies.length - 1)];
    if ('error' in reply) throw reply.error;
    const body =
      typeof reply.body === 'string' ? new TextEncoder().encode(reply.body) : (reply.body ?? new Uint8Array());
    const headers = Object.fromEntries(Object.entries(reply.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    return { status: reply.status ?? 200, headers, body };
  };
  return Object.assign(client, { calls });
}
