/**
 * Secrets never reach a log line, an error message or a manifest: every URL, header set and body
 * snippet that leaves the HTTP layer goes through these functions first.
 */

/** Query parameters that carry credentials (Census `key`, Comtrade `subscription-key`, common variants). */
const SECRET_PARAMS = /^(key|subscription-key|subscription_key|api_key|apikey|api-key|token|access_token)$/i;
/** Headers that carry credentials. */
const SECRET_HEADERS = /^(ocp-apim-subscription-key|authorization|x-api-key|proxy-authorization)$/i;
const MASK = '***';

/** `…?key=abc&x=1` → `…?key=***&x=1`; works on text that merely contains URLs (error bodies, messages). */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(
    /([?&](?:key|subscription-key|subscription_key|api_key|apikey|api-key|token|access_token)=)[^&\s"'<>#]*/gi,
    `$1${MASK}`,
  );
  // A service may echo a secret outside a query string (a header value in an error body).
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join(MASK);
  return out;
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    for (const name of [...u.searchParams.keys()]) if (SECRET_PARAMS.test(name)) u.searchParams.set(name, MASK);
    // URLSearchParams encodes '*' as-is and spaces as '+': keep the rest of the query readable.
    return u.toString();
  } catch {
    return redactText(url);
  }
}

export function redactHeaders(headers: Record<string, string> = {}): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, SECRET_HEADERS.test(k) ? MASK : v]));
}

/** The secret values of a request (header values and query values), to scrub from any echoed text. */
export function secretsOf(url: string, headers: Record<string, string> = {}): string[] {
  const values = Object.entries(headers)
    .filter(([k]) => SECRET_HEADERS.test(k))
    .map(([, v]) => v);
  try {
    for (const [k, v] of new URL(url).searchParams) if (SECRET_PARAMS.test(k)) values.push(v);
  } catch {
    // not a URL: nothing to collect
  }
  return values.filter((v) => v !== '');
}
