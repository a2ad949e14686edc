/**
 * The site distribution's CloudFront Function (infra/functions/site-router.js), run in Node. The
 * cloudfront-js-2.0 runtime exists only at CloudFront's edge and cannot run here, so the file's code
 * is evaluated as it is, minus its `import cf from 'cloudfront'` line, with `cf` provided: its
 * `kvs()` handle is a stand-in whose `get` resolves a key's value or rejects when the key is missing,
 * as the runtime's does.
 */
import { readFileSync } from 'node:fs';

const SOURCE = readFileSync(new URL('../../infra/functions/site-router.js', import.meta.url), 'utf8');
const IMPORT = "import cf from 'cloudfront';\n";

export interface ViewerRequest {
  uri: string;
  [field: string]: unknown;
}

interface ViewerResponse {
  statusCode: number;
  statusDescription?: string;
  headers?: Record<string, { value: string }>;
}

export type SiteRouter = (event: { request: ViewerRequest }) => Promise<ViewerRequest | ViewerResponse>;

/** The function's handler, reading the key value store through `get`. */
export function loadSiteRouter(get: (key: string) => Promise<string>): SiteRouter {
  if (!SOURCE.startsWith(IMPORT))
    throw new Error(`site-router.js must begin with ${JSON.stringify(IMPORT)}, the runtime's module import`);
  const cf = { kvs: () => ({ get }) };
  return new Function('cf', `${SOURCE.slice(IMPORT.length)}\nreturn handler;`)(cf) as SiteRouter;
}

/** A key value store stand-in from a map: a missing key rejects, like the runtime's handle. */
export const kvsOf =
  (items: ReadonlyMap<string, string>) =>
  async (key: string): Promise<string> => {
    const value = items.get(key);
    if (value === undefined) throw new Error(`Key not found: ${key}`);
    return value;
  };
