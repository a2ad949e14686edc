/**
 * Every figure a built site publishes, in a form two builds can be compared by: the release's file
 * list, each page's title, its visible text (charts' SVG left out: their numbers are the chart files)
 * and the exact values behind its figures (`<data value>`), and every data file (chart CSV, JSON and
 * Vega-Lite spec, the suppliers and claims downloads, the metric snapshot, the alerts) parsed.
 * Strings that differ between two runs of the same data (ingest times) are replaced by placeholders.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { parseCsv } from '../fixtures/report/read-csv.ts';

export interface SiteFigures {
  /** Every file of the release folder, and of the site root outside the release copies. */
  files: string[];
  pages: Record<string, { title: string; text: string; values: string[] }>;
  data: Record<string, unknown>;
}

const filesUnder = async (dir: string): Promise<string[]> =>
  (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort();

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", nbsp: ' ' };
const decode = (s: string) => s.replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_, e: string) => ENTITIES[e]);

/** A page's main content as text: SVG charts dropped, tags removed, whitespace collapsed. */
function mainText(html: string): string {
  const main = /<main id="main">([\s\S]*)<\/main>/.exec(html)?.[1] ?? '';
  return decode(
    main
      .replace(/<svg[\s\S]*?<\/svg>/g, ' ')
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim(),
  );
}

/** Replace every occurrence of the volatile strings (longest first, so a timestamp goes before its date). */
const normalizer = (volatile: readonly string[]) => {
  const sorted = [...new Set(volatile)].filter(Boolean).sort((a, b) => b.length - a.length);
  return (text: string) => sorted.reduce((t, v, i) => t.split(v).join(`[volatile ${i}]`), text);
};

/**
 * The Data page and its table downloads came after the report this compares with (no figure of theirs
 * was published before): test/system/browser-data-console.test.ts and report-site.test.ts check them.
 */
const isDataPage = (file: string) => file === 'data.html' || file.startsWith('tables/');

/**
 * The figures of the release `month` of the site in `siteDir`. `volatile` lists strings that differ
 * between runs of the same data: the ingest manifests' start and finish times and their dates.
 */
export async function siteFigures(siteDir: string, month: string, volatile: readonly string[]): Promise<SiteFigures> {
  const release = join(siteDir, 'releases', month);
  const normalize = normalizer(volatile);
  const files = [
    ...(await filesUnder(release)).filter((f) => !isDataPage(f)),
    ...(await filesUnder(siteDir)).filter((f) => f.startsWith('releases/') && !f.startsWith(`releases/${month}/`)),
  ];
  const pages: SiteFigures['pages'] = {};
  const data: SiteFigures['data'] = {};
  for (const file of files) {
    const path = file.startsWith('releases/') ? join(siteDir, file) : join(release, file);
    const text = normalize(await readFile(path, 'utf8'));
    if (file.endsWith('.html')) {
      pages[file] = {
        title: decode(/<title>([^<]*)<\/title>/.exec(text)?.[1] ?? ''),
        text: mainText(text),
        values: [...text.matchAll(/<data value="([^"]*)">/g)].map((m) => m[1]),
      };
    } else if (file.endsWith('.csv')) {
      // Rows as arrays under one header: the supplier downloads are long, and keys repeated per row double them.
      const rows = parseCsv(text);
      const columns = Object.keys(rows[0] ?? {});
      data[file] = { columns, rows: rows.map((r) => columns.map((c) => r[c])) };
    } else if (file.endsWith('.json')) {
      const parsed = JSON.parse(text);
      // The snapshot lists the release's pages (to tell a later release which are gone): the Data page too.
      if (Array.isArray(parsed.pages)) parsed.pages = parsed.pages.filter((p: string) => !isDataPage(p));
      data[file] = parsed;
    }
  }
  return { files, pages, data };
}

/** Relative difference allowed between two numbers: float noise from a different summation order. */
const TOLERANCE = 1e-9;

const sameNumber = (a: number, b: number) => a === b || Math.abs(a - b) <= TOLERANCE * Math.max(1, Math.abs(a));
const numeric = (s: string) => s.trim() !== '' && Number.isFinite(Number(s));

/** Numbers written in running text (a page's data table prints a value as the engine returns it). */
const NUMBER_IN_TEXT = /-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/g;

/** Two texts that differ only in numbers within the tolerance: the same words, the same count of numbers. */
function sameText(before: string, after: string): boolean {
  const numbers = (s: string) => [...s.matchAll(NUMBER_IN_TEXT)].map((m) => Number(m[0]));
  const words = (s: string) => s.replace(NUMBER_IN_TEXT, '#');
  if (words(before) !== words(after)) return false;
  const [a, b] = [numbers(before), numbers(after)];
  return a.length === b.length && a.every((n, i) => sameNumber(n, b[i]));
}

/** Where `after` differs from `before`: path and both values, numbers compared within the tolerance. */
export function figureDifferences(before: unknown, after: unknown, path = ''): string[] {
  if (typeof before === 'number' && typeof after === 'number')
    return sameNumber(before, after) ? [] : [`${path}: ${before} → ${after}`];
  if (typeof before === 'string' && typeof after === 'string') {
    if (before === after || (numeric(before) && numeric(after) && sameNumber(Number(before), Number(after)))) return [];
    if (sameText(before, after)) return [];
    return [`${path}: ${JSON.stringify(before)} → ${JSON.stringify(after)}`];
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const out = before.length === after.length ? [] : [`${path}: ${before.length} items → ${after.length} items`];
    for (let i = 0; i < Math.min(before.length, after.length); i++)
      out.push(...figureDifferences(before[i], after[i], `${path}[${i}]`));
    return out;
  }
  if (before && after && typeof before === 'object' && typeof after === 'object' && !Array.isArray(before)) {
    const a = before as Record<string, unknown>;
    const b = after as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((k) =>
      k in a && k in b
        ? figureDifferences(a[k], b[k], `${path}/${k}`)
        : [`${path}/${k}: ${k in a ? 'only before' : 'only after'}`],
    );
  }
  return before === after ? [] : [`${path}: ${JSON.stringify(before)} → ${JSON.stringify(after)}`];
}
