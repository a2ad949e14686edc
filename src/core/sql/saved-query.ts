import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { projectPath } from '../project-root.ts';
import { InputError, UsageError } from '../errors.ts';
import { replacePlaceholders, toPositional } from './placeholders.ts';
import { coerceParam, PARAM_TYPES, type ParamDecl, type ParamType, parseRange } from './parameters.ts';

/**
 * Saved analyst queries: `.sql` files whose leading comment block is the header.
 *
 *   -- title: Top suppliers for a product and year
 *   -- description: What the query answers, on one or more lines;
 *   --   an indented line continues the description.
 *   -- @param hs string = 854231 HS 6-digit product code
 *
 * `@param <name> <string|int|double|boolean> [= <default>] <description>` declares a `:name`
 * placeholder of the body; an int or double may carry inclusive bounds, `int[1..]`, `double[0..1]`,
 * and a value outside them is refused with the range rather than run into an empty result. The same file runs locally, on Athena, and is deployed as an Athena
 * named query, so the header is the one place its parameters are documented.
 */
export interface SavedQuery {
  /** File name without `.sql`; what `chainwatch query --saved <name>` takes. */
  name: string;
  title: string;
  description: string;
  params: ParamDecl[];
  /** The whole file, header included, with `:name` placeholders. */
  sql: string;
  file: string;
}

/** Where the saved queries ship: the top-level `sql/analyst/` folder of the repository. */
export const SAVED_QUERY_DIR = projectPath('sql', 'analyst');

const PARAM_LINE = /^@param\s+([A-Za-z_][A-Za-z0-9_]*)\s+(\S+)(?:\s+=\s*(\S+))?\s*(.*)$/;

/** Parse a saved query; `file` only names the query and its errors. */
export function parseSavedQuery(file: string, sql: string): SavedQuery {
  const fail = (line: number, what: string) =>
    new InputError(
      `${file}:${line}: ${what}`,
      'Fix the header: "-- title: …", "-- description: …", "-- @param <name> <string|int|double|boolean>[<min>..<max>] [= <default>] <description>".',
    );
  let title = '';
  const description: string[] = [];
  const params: ParamDecl[] = [];
  let continues: 'description' | ParamDecl | undefined;
  const lines = sql.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n].trim();
    if (line === '') continue;
    if (!line.startsWith('--')) break;
    const raw = lines[n].trimStart().slice(2);
    const text = raw.trim();
    if (/^\s{2,}\S/.test(raw) && continues) {
      // An indented comment line continues the description or the last parameter's text.
      if (continues === 'description') description.push(text);
      else continues.description += ` ${text}`;
      continue;
    }
    continues = undefined;
    if (text.startsWith('title:')) title = text.slice('title:'.length).trim();
    else if (text.startsWith('description:')) {
      description.push(text.slice('description:'.length).trim());
      continues = 'description';
    } else if (text.startsWith('@param')) {
      const m = PARAM_LINE.exec(text);
      if (!m) throw fail(n + 1, `cannot read "${text}"`);
      const [, name, typeText, defaultValue, desc] = m;
      const [, type, bounds] = /^([a-z]+)(?:\[(.*)\])?$/.exec(typeText) ?? [];
      if (!PARAM_TYPES.includes(type as ParamType))
        throw fail(n + 1, `parameter ${name} has unknown type "${typeText}"`);
      const range = bounds === undefined ? undefined : parseRange(bounds);
      if (bounds !== undefined && (!range || (type !== 'int' && type !== 'double')))
        throw fail(n + 1, `parameter ${name}: "[${bounds}]" is not a range of an int or double (write [1..], [0..1])`);
      if (params.some((p) => p.name === name)) throw fail(n + 1, `parameter ${name} is declared twice`);
      const decl: ParamDecl = {
        name,
        type: type as ParamType,
        description: desc.trim(),
        ...(defaultValue !== undefined && { defaultValue }),
        ...(range && { range }),
      };
      // A default outside its own range is the author's mistake: say so when the file is read.
      if (defaultValue !== undefined) {
        try {
          coerceParam(decl, defaultValue);
        } catch (e) {
          throw fail(n + 1, `the default of ${name}: ${(e as Error).message}`);
        }
      }
      params.push(decl);
      continues = decl;
    }
  }
  if (!title) throw fail(1, 'the header has no "-- title:" line');
  const used = new Set(toPositional(sql).order.map((p) => p.name));
  for (const p of params)
    if (!used.has(p.name)) throw fail(1, `parameter ${p.name} is declared but the query never uses :${p.name}`);
  for (const name of used)
    if (!params.some((p) => p.name === name)) throw fail(1, `placeholder :${name} has no "-- @param ${name} …" line`);
  return { name: basename(file, '.sql'), title, description: description.join(' '), params, sql, file };
}

/** Every saved query in a folder, sorted by name. */
export async function loadSavedQueries(dir = SAVED_QUERY_DIR): Promise<SavedQuery[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  return Promise.all(files.map(async (f) => parseSavedQuery(join(dir, f), await readFile(join(dir, f), 'utf8'))));
}

export async function findSavedQuery(name: string, dir = SAVED_QUERY_DIR): Promise<SavedQuery> {
  const all = await loadSavedQueries(dir);
  const found = all.find((q) => q.name === name);
  if (!found)
    throw new UsageError(
      `No saved query named "${name}"`,
      `Saved queries: ${all.map((q) => q.name).join(', ')} (chainwatch query --list).`,
    );
  return found;
}

/** One line per parameter: `hs string = 854231  HS 6-digit product code`. */
export const describeParam = (p: ParamDecl): string =>
  `${p.name} ${p.type}${p.range ? `[${p.range.min ?? ''}..${p.range.max ?? ''}]` : ''}${p.defaultValue !== undefined ? ` = ${p.defaultValue}` : ''}${p.description ? `  ${p.description}` : ''}`;

/**
 * What the CDK app deploys as an `AWS::Athena::NamedQuery`: the body with `?` placeholders (the
 * Athena console asks for their values in order) and a description that lists them in that order.
 */
export function namedQueryOf(q: SavedQuery): { name: string; description: string; queryString: string } {
  const positional = toPositional(q.sql);
  const order = positional.order.map((p, i) => `?${i + 1}=${p.name}`).join(', ');
  const description = `${q.title}. ${q.description}${order ? ` Parameters in order: ${order}.` : ''}`;
  return { name: q.name, description: description.slice(0, 1024), queryString: positional.sql };
}

/**
 * The saved query as one runnable statement: each `:name` written as the SQL literal of its default
 * (`'854231'`, `2024`), so it runs where no values can be bound (the site's SQL console). A parameter
 * without a default stays `:name`, for the reader to replace.
 */
export function withDefaults(q: SavedQuery): string {
  return replacePlaceholders(q.sql, ({ name }) => {
    const decl = q.params.find((p) => p.name === name);
    if (decl?.defaultValue === undefined) return `:${name}`;
    const value = coerceParam(decl, decl.defaultValue);
    return typeof value === 'string' ? `'${value.replace(/'/g, "''")}'` : String(value);
  });
}
