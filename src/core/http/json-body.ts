import { BadBodyError } from './retry.ts';
import type { HttpResponse } from './http-client.ts';

/**
 * A JSON body, or BadBodyError (retried) when it does not parse: a truncated transfer is the usual
 * cause and usually fixes itself on the next attempt. HTTP 204 and an empty 200 body are `undefined`.
 */
export function jsonBody(response: HttpResponse): unknown {
  if (response.status === 204 || response.body.length === 0) return undefined;
  let text: string;
  try {
    // JSON is UTF-8 (RFC 8259): anything else would put U+FFFD into names instead of failing.
    text = new TextDecoder('utf-8', { fatal: true }).decode(response.body);
  } catch {
    throw new BadBodyError(`not valid UTF-8 (${response.body.length} bytes); cut off inside a character, or not JSON`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new BadBodyError(
      `not valid JSON (${response.body.length} bytes, ${(e as Error).message.slice(0, 200)}); truncated?`,
    );
  }
}
