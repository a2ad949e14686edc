import { BUNDLED_SOURCE } from '../sources.ts';
import { InputError } from '../errors.ts';
import { sources, type SourceRow } from '../../../data-schemas/curated.ts';
import { normalizeRows, RowProblem, type Normalized, type Origin } from './rows.ts';

/** The columns every citation table in SOURCES.md must have, as written in its header row. */
const HEADER = ['source_id', 'citation', 'where seen'] as const;
const SOURCE_ID = /^[A-Z][A-Z0-9_]*$/;
const URL = /https?:\/\/[^\s<>()|]+/;

/** Split a markdown table row on its unescaped pipes, dropping the outer empty cells. */
const cellsOf = (line: string): string[] =>
  line
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim().replace(/\\\|/g, '|'));

/** Inline markdown to plain text: the citation is shown as text on the site, so emphasis and code marks go. */
const plain = (md: string): string => md.replace(/\*+/g, '').replace(/`/g, '').trim();

/** `## Rare earths (rare_earths.csv)` → `Rare earths`: the topic, without the file it documents. */
const topicOf = (heading: string): string =>
  heading
    .replace(/^##\s+/, '')
    .replace(/\s*\([^)]*\)\s*$/, '')
    .trim();

/**
 * `INVESTINGNEWS_2019 / _2021 / _2024` is shorthand for three ids: a part starting with `_` replaces
 * the last `_segment` of the first id.
 */
export function expandSourceIds(cell: string): string[] {
  const [first, ...rest] = cell.split(/\s*\/\s*/);
  const stem = first.slice(0, first.lastIndexOf('_'));
  return [first, ...rest.map((part) => (part.startsWith('_') ? stem + part : part))];
}

const firstUrl = (...texts: string[]): string | null => {
  for (const t of texts) {
    const m = URL.exec(t);
    if (m) return m[0].replace(/[.,;:]+$/, '');
  }
  return null;
};

/**
 * Secondary means the figure was read in someone else's restatement: SOURCES.md says so with the word
 * SECONDARY (or "secondary summary", "restating"), or the where-seen text is a repost or a quote.
 */
const isSecondary = (citation: string, whereSeen: string): boolean =>
  /secondary|restat/i.test(citation + ' ' + whereSeen) || /repost|quoted at/i.test(whereSeen);

/** Licences a citation names, as the site shows them. */
const LICENCES: [RegExp, string][] = [
  [/CC BY 4\.0/, 'CC BY 4.0'],
  [/Etalab Open Licen[cs]e 2\.0/, 'Etalab Open Licence 2.0'],
];
const licenceOf = (...texts: string[]): string | null =>
  LICENCES.find(([re]) => texts.some((t) => re.test(t)))?.[1] ?? null;

/**
 * The citation tables of data/bundled/SOURCES.md (`| source_id | citation | where seen |` under a
 * `##` topic heading) as `sources` rows. A table with another header is an input error; a row whose
 * id cell is not an id (e.g. "(context) CRS R46304") is rejected with that reason.
 */
export function sourcesFromMarkdown(text: string, file: string): Normalized<SourceRow> {
  const origins: Origin[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let topic = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.startsWith('## ')) topic = topicOf(line);
    if (!line.trim().startsWith('|')) continue;
    // A table: header row, separator row, then data rows until the first non-table line.
    const header = cellsOf(line).map((h) => h.toLowerCase());
    const missing = HEADER.filter((h) => !header.includes(h));
    if (missing.length > 0) {
      throw new InputError(
        `${file} line ${i + 1}: citation table header is missing ${missing.join(', ')} (found: ${header.join(', ')})`,
        `Every table in ${file} must have the header "| ${HEADER.join(' | ')} |".`,
      );
    }
    for (i += 2; i < lines.length && lines[i].trim().startsWith('|'); i++) {
      const cells = cellsOf(lines[i]);
      const raw: Record<string, string> = { topic };
      header.forEach((h, k) => {
        raw[h] = cells[k] ?? '';
      });
      const problem =
        cells.length !== header.length ? `expected ${header.length} cells, found ${cells.length}` : undefined;
      for (const id of expandSourceIds(raw.source_id))
        origins.push({ file, line: i + 1, raw: { ...raw, source_id: id }, problem });
    }
    i--; // the line that ended the table is read again by the outer loop (it may be a heading)
  }
  return normalizeRows(sources.name, origins, ({ raw }) => {
    if (!SOURCE_ID.test(raw.source_id)) {
      throw new RowProblem(
        `"${raw.source_id}" is not a source id (A–Z, 0–9, _); a context note, not a citation rows can cite`,
      );
    }
    const citation = plain(raw.citation);
    const whereSeen = plain(raw['where seen']);
    if (citation === '') throw new RowProblem('required field citation is empty');
    return {
      source: BUNDLED_SOURCE,
      source_id: raw.source_id,
      topic: raw.topic,
      citation,
      url: firstUrl(citation, whereSeen),
      where_seen: whereSeen,
      is_secondary: isSecondary(citation, whereSeen),
      licence: licenceOf(citation, whereSeen),
    };
  });
}
