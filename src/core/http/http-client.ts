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

/**
 * The body's bytes. With a Content-Length (and no content coding, which fetch undoes) they are read
 * into one buffer of that size as they arrive; `arrayBuffer()` keeps every chunk and then copies them
 * into a new buffer, so an 80 MB reply would briefly take 160 MB. A body shorter than announced is
 * returned as received (the parser calls it cut off); one longer falls back to chunks.
 */
async function bodyOf(res: Response): Promise<Uint8Array> {
  const length = Number(res.headers.get('content-length') ?? NaN);
  if (!res.body || !Number.isSafeInteger(length) || res.headers.has('content-encoding'))
    return new Uint8Array(await res.arrayBuffer());
  const body = new Uint8Array(length);
  const extra: Uint8Array[] = [];
  let at = 0;
  for await (const chunk of res.body) {
    const fits = Math.max(0, Math.min(chunk.length, length - at));
    body.set(chunk.subarray(0, fits), at);
    at += fits;
    if (fits < chunk.length) extra.push(chunk.subarray(fits));
  }
  return extra.length > 0 ? Buffer.concat([body, ...extra]) : body.subarray(0, at);
}

/** The production client: Node's built-in fetch. */
export const fetchHttpClient: HttpClient = async (request, signal) => {
  const res = await fetch(request.url, { headers: request.headers, signal, redirect: 'follow' });
  const headers: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    headers[name.toLowerCase()] = value;
  });
  return { status: res.status, headers, body: await bodyOf(res) };
};
