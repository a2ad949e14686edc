import { extname } from 'node:path';

/** Content types of the files a site build writes; publishing and the preview server share them. */
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.xml': 'application/atom+xml; charset=utf-8',
  // SQL is shown in the browser, not downloaded: readers follow a chart's "SQL" link to read it.
  '.sql': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  // The Data page: its tables and its SQL console (a script (.js above), its worker and DuckDB compiled to
  // WebAssembly, which the browser compiles while it downloads only when served as application/wasm).
  '.parquet': 'application/vnd.apache.parquet',
  '.wasm': 'application/wasm',
};

export const contentTypeOf = (key: string): string => CONTENT_TYPES[extname(key)] ?? 'application/octet-stream';
