/**
 * The HTTP seam. Connectors never call `fetch` themselves: they get an `HttpClient`, so tests replay
 * committed fixtures and inject faults (429, 5xx, truncated bodies, timeouts) without a network.
 */
export interface HttpRequest {
  url: string;
  /** Request headers; secrets (e.g. Ocp-Apim-Subscription-Key) go here or in the query and are redacted from every log line. */
  headers?: Record<string, string>;
}

export interface HttpResponse {
  status: number;
  /** Response headers with lower-case names. */
  headers: Record<string, string>;
  body: Uint8Array;
}

/** One HTTP GET. Rejects only when no response arrived (network error, abort); any status is a response. */
export type HttpClient = (request: HttpRequest, signal: AbortSignal) => Promise<HttpResponse>;

/** The production client: Node's built-in fetch. */
export const fetchHttpClient: HttpClient = async (request, signal) => {
  const res = await fetch(request.url, { headers: request.headers, signal, redirect: 'follow' });
  const headers: Record<string, string> = {};
  res.headers.forEach((value, name) => (headers[name.toLowerCase()] = value));
  return { status: res.status, headers, body: new Uint8Array(await res.arrayBuffer()) };
};
