import { escapeHtml } from './html.ts';

const SCROLL_REGION =
  /<div class="table-scroll">(\s*<table[^>]*>\s*(?:<caption>([\s\S]*?)<\/caption>\s*)?<thead>([\s\S]*?)<\/thead>)/g;
const HEADER_CELL = /<th[^>]*>([\s\S]*?)<\/th>/g;

const textOf = (markup: string): string =>
  markup
    .replace(/<[^>]*>/g, '')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();

/**
 * Every wide table scrolls inside its own region, never the page: the region takes keyboard focus
 * (so arrow keys scroll it) and is named by the table's caption, or else its columns, which a screen
 * reader announces on entering it. Applied to a page body once, so no table can be left unnamed.
 */
export function labelScrollRegions(body: string): string {
  return body.replace(SCROLL_REGION, (_, table: string, caption: string | undefined, head: string) => {
    const columns = [...head.matchAll(HEADER_CELL)].map((m) => textOf(m[1])).filter(Boolean);
    const name = caption ? textOf(caption) : columns.join(', ');
    return `<div class="table-scroll" role="region" tabindex="0" aria-label="${escapeHtml(`Table, scrolls sideways: ${name}`)}">${table}`;
  });
}
