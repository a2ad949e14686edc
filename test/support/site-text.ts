/**
 * Reading a built site the way a reader and a screen reader meet it: every page's internal links,
 * and the text it shows or speaks (visible text, aria-labels, SVG titles), leaving out code and
 * tables marked for analysts (`class="analyst"`), where identifiers belong.
 */
import { existsSync, statSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, normalize, relative } from 'node:path';

/** Every HTML page of the site root (the release copies are the same pages). */
export async function sitePages(site: string): Promise<string[]> {
  const entries = await readdir(site, { recursive: true });
  return entries.filter((p) => p.endsWith('.html') && !p.startsWith('releases/') && !p.startsWith('latest/')).sort();
}

/** Links that lead nowhere: a missing file, or a #fragment the target page has no id for. */
export async function brokenLinks(site: string, pages: readonly string[]): Promise<string[]> {
  const ids = new Map<string, Set<string>>();
  const idsOf = async (file: string) => {
    if (!ids.has(file))
      ids.set(file, new Set([...(await readFile(file, 'utf8')).matchAll(/\bid="([^"]+)"/g)].map((m) => m[1])));
    return ids.get(file)!;
  };
  const broken: string[] = [];
  for (const page of pages) {
    const file = join(site, page);
    const markup = await readFile(file, 'utf8');
    for (const [, link] of markup.matchAll(/\b(?:href|src)="([^"]+)"/g)) {
      if (/^(https?:|mailto:|data:)/.test(link)) continue;
      const [path, fragment] = link.split('#');
      let target = path ? normalize(join(dirname(file), decodeURI(path))) : file;
      if (existsSync(target) && statSync(target).isDirectory()) target = join(target, 'index.html');
      if (!existsSync(target)) broken.push(`${page}: ${link}`);
      else if (fragment && target.endsWith('.html') && !(await idsOf(target)).has(fragment))
        broken.push(`${page}: ${link} (no id "${fragment}" in ${relative(site, target)})`);
    }
  }
  return broken;
}

const decode = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

/** What a page shows and speaks, without code, scripts, styles and analyst tables. */
export function readerText(markup: string): string {
  const shown = markup
    // A textarea here is the Data page's SQL editor: code the reader edits.
    .replace(/<(code|pre|script|style|textarea)\b[^>]*>[\s\S]*?<\/\1>/g, ' ')
    .replace(/<table class="analyst"[\s\S]*?<\/table>/g, ' ');
  const spoken = [...shown.matchAll(/\baria-label="([^"]*)"/g)].map((m) => m[1]);
  return decode([shown.replace(/<[^>]+>/g, ' '), ...spoken].join(' '));
}

/**
 * A page without the site's script elements, each only where it belongs: the charts' PNG button
 * (`assets/chart-png.js`, once in every page's head) and, on a Data page only, the SQL console loaded
 * from the site's `console/` folder. What is left must hold no script at all.
 */
export function withoutSiteScripts(page: string, markup: string): string {
  const rest = markup.replace(/<script src="(\.\.\/)*assets\/chart-png\.js" defer><\/script>/, '');
  return page === 'data.html' || page.endsWith('/data.html')
    ? rest.replace(/<script src="(\.\.\/)*console\/data-console\.js" defer><\/script>/, '')
    : rest;
}
