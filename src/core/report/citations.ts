import type { SourceRow } from '../../../data-schemas/index.ts';

const MAX_SHORT = 80;
/** A year this close after the title is its publication date ("…, Forbes, 2020-09-19"); further on it is data. */
const YEAR_REACH = 30;

/**
 * A short name for a citation, for figure captions: publisher, title, year.
 *   "Varas, Varadarajan, Goodrich, Yinug (BCG & SIA), Government Incentives … (Sept 2020; …)"
 *     → "BCG & SIA, Government Incentives … (2020)"
 *   "USGS, MCS 2026 (Feb 2026), "Gallium"" → "USGS, MCS 2026, Gallium (2026)"
 * A figure a third party processed names that party: "UN Comtrade API v1, via owner/repo (a
 * third party’s processed copy)". Citations are free text, so this is a heuristic with one job: let a reader recognise the source.
 * The full citation is always one click away on the sources page.
 */
export function shortCitation(source: Pick<SourceRow, 'citation'>): string {
  const short = shortName(source.citation);
  // Figures a third party processed (a "mart") are not the publisher's own output: the short name says whose copy it is.
  const processor = PROCESSED_BY.exec(source.citation)?.[1];
  return processor ? `${short}, via ${processor} (a third party’s processed copy)` : short;
}

/** "…, as processed by GitHub repo owner/name" — the citation of a figure read in someone else's processed data. */
const PROCESSED_BY = /\bas processed by (?:GitHub repo(?:sitory)? )?([\w.-]+\/[\w.-]+)/;

function shortName(citation: string): string {
  const text = citation
    .replace(/`[^`]*`/g, '')
    .replace(/\bhttps?:\/\/\S+/g, '')
    .replace(/\s\/[^\s,]+/g, '') // API paths
    .replace(/\*/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  // "Authors (Org), rest": the organisation is the better short publisher ("Org (Authors et al.)" is not).
  const org = /^([^(\d]+?)\s*\(([^()\d,]+)\),\s*(.*)$/.exec(text);
  const useOrg = org !== null && !/et al/.test(org[2]);
  const [publisher, rest] = useOrg ? [org[2], org[3]] : splitFirst(text.replace(/\s*\([^()]*\)/g, ''));
  const title = titleOf(rest);
  const name = [publisher, title]
    .filter((p) => p.length > 0)
    .join(', ')
    .replace(/[\s,.;:—-]+$/, '')
    .replace(/\s+(at|in|on|of|by|from)$/, '');
  const titleEnd = title
    ? text.indexOf(title.split(', ').at(-1)!) + title.split(', ').at(-1)!.length
    : publisher.length;
  const year = /\b(?:19|20)\d{2}\b/.exec(text.slice(0, Math.max(titleEnd, 0) + YEAR_REACH))?.[0];
  const short = name.length > MAX_SHORT ? name.slice(0, MAX_SHORT - 1).trimEnd() + '…' : name;
  return year && !short.includes(year) ? `${short} (${year})` : short;
}

function splitFirst(text: string): [string, string] {
  const comma = text.indexOf(', ');
  return comma < 0 ? [text, ''] : [text.slice(0, comma), text.slice(comma + 2)];
}

const QUOTED = /["“]([^"”]+)["”]/g;
const QUOTED_RUN = /^(?:["“][^"”]+["”](?:,\s*)?)+/;

/**
 * The title after the publisher: a quoted title when one comes early (skipping co-authors), else the
 * next clause when it reads like a title ("MCS 2026"), followed by any quoted chapter names.
 */
function titleOf(rest: string): string {
  const firstQuote = rest.search(/["“]/);
  const clause = rest.split(/,\s|;\s|\s—\s|\s\(/)[0].trim();
  const titleLike = /^[A-Z]/.test(clause) && !clause.startsWith('"') && !/^\d/.test(clause);
  const run = firstQuote >= 0 && firstQuote < MAX_SHORT ? QUOTED_RUN.exec(rest.slice(firstQuote))?.[0] : undefined;
  if (run && !(titleLike && rest.startsWith(clause + ', "')))
    return [...run.matchAll(QUOTED)].map((m) => m[1]).join(', ');
  if (!titleLike) return '';
  const after = rest.slice(clause.length).replace(/^,\s*/, '');
  const chapters = QUOTED_RUN.exec(after)?.[0];
  return chapters ? [clause, ...[...chapters.matchAll(QUOTED)].map((m) => m[1])].join(', ') : clause;
}

/** An ISO date the citation record gives for when its copy was fetched or downloaded (`fetched it on 2026-10-06`). */
const RECORDED_ACCESS =
  /\b(?:fetched|retrieved|downloaded|accessed)(?: it)? on (\d{4}-\d{2}-\d{2})\b|\bdownload of (\d{4}-\d{2}-\d{2})\b/i;

/**
 * When the cited copy was read, as the citation record states it: a date its where-seen text gives, or,
 * for a source chainwatch fetches itself, the day of the run that fetched it (`fetchedOn`). Null when the
 * record does not say; the build date is never an access date.
 */
export function accessDateOf(source: Pick<SourceRow, 'where_seen'>, fetchedOn: string | null): string | null {
  if (/^Fetched by chainwatch\b/.test(source.where_seen)) return fetchedOn;
  const m = RECORDED_ACCESS.exec(source.where_seen);
  return m ? (m[1] ?? m[2]) : null;
}

/** The text a reader pastes to cite a source: the full citation, its address and when it was read. */
export function citeThis(
  source: Pick<SourceRow, 'citation' | 'url' | 'is_secondary'>,
  accessed: string | null,
): string {
  const url = source.url && !source.citation.includes(source.url) ? `, ${source.url}` : '';
  const when = accessed ? ` (accessed ${accessed})` : ' (access date not recorded)';
  const secondary = source.is_secondary ? ' As restated by a third party, not the original publication.' : '';
  return `${source.citation.replace(/[.\s]+$/, '')}${url}${when}.${secondary}`;
}
