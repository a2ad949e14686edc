import type { SourceRow } from '../data-schemas/index.ts';

const MAX_SHORT = 90;
/** How far after the title a year may sit and still be the publication year ("…*Title* (Sept 2020"). */
const YEAR_REACH = 40;

/**
 * A short name for a citation, for figure captions: publisher, title and publication year.
 * "Varas, … (BCG & SIA), *Government Incentives …* (Sept 2020; …)" → "BCG & SIA, Government Incentives … (2020)".
 * Citations are free text, so this is a heuristic; the full citation is always one click away on
 * the sources page, and the short name only has to let a reader recognise it.
 */
export function shortCitation(source: Pick<SourceRow, 'citation'>): string {
  // Code spans (API paths) say nothing to a reader of a caption.
  const text = source.citation.replace(/`[^`]*`/g, '').replace(/\s+/g, ' ').trim();
  const title = /\*([^*]+)\*|["“]([^"”]+)["”]/.exec(text);
  const before = title ? text.slice(0, title.index).trim() : '';
  // A title counts when it opens the citation or follows a publisher ("Org, *Title*"), not when it is quoted mid-sentence.
  const titled = title !== null && (before === '' || /[,:)]$/.test(before));
  let name: string;
  let tail: string;
  if (titled) {
    const lead = before.replace(/[\s,.:;]+$/, '');
    // "Author, Author (Org)" before the title: the organisation is the better short publisher.
    const org = /\(([^()]*[A-Za-z][^()]*)\)$/.exec(lead)?.[1];
    const publisher = org ?? (lead.length <= 40 ? lead : lead.split(',')[0]);
    name = [publisher, title[1] ?? title[2]].filter((p) => p.length > 0).join(', ');
    tail = text.slice(title.index + title[0].length, title.index + title[0].length + YEAR_REACH);
  } else {
    name = text.split(/[,;(]/)[0].trim();
    tail = '';
  }
  const year = /\b(?:19|20)\d{2}\b/.exec(tail)?.[0];
  if (name.length > MAX_SHORT) name = name.slice(0, MAX_SHORT - 1).trimEnd() + '…';
  return year && !name.includes(year) ? `${name} (${year})` : name;
}
