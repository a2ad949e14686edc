import type { ErrorListener } from 'dt-sql-parser/dist/parser/common/parseErrorListener.js';
import type { TrinoSQL } from 'dt-sql-parser/dist/parser/trino/index.js';
import { toPositional } from '../sql/placeholders.ts';
import { segmentSql } from '../sql/sql-text.ts';
import { duckdbOnlyWarnings, type PortabilityWarning } from './duckdb-only.ts';

/**
 * Will this SQL also run on Athena (Trino, engine v3)? Analysts try queries locally on DuckDB,
 * which accepts more than Trino does; this check warns before the query fails in AWS.
 * Two checks: DuckDB-only functions and constructs, each with its rewrite (duckdb-only.ts, no
 * grammar), and the Trino grammar for what that scan does not know (list literals, …).
 */

/**
 * The Trino grammar, loaded the first time a statement needs it: the parser is ~2 MB of JavaScript
 * whose loading and first parse cost ~0.35 s, more than a plain query takes to run.
 *
 * A lexer or parser made without a listener of dt-sql-parser's own drops ANTLR's console listener too.
 * dt-sql-parser replaces that listener wherever it collects errors, but not in the parse of a statement's
 * tail it makes to word a message ("'TO' is not valid at this position"), and that parse printed raw ANTLR
 * lines ("line 1:16 extraneous input 'TO' expecting {<EOF>, '(', 'ALTER', …}") to the analyst's terminal
 * beside chainwatch's own warning.
 */
let trino: Promise<TrinoSQL> | undefined;
const trinoGrammar = (): Promise<TrinoSQL> =>
  (trino ??= import('dt-sql-parser/dist/parser/trino/index.js').then(({ TrinoSQL }) => {
    class QuietTrinoSQL extends TrinoSQL {
      override createLexer(input: string, errorListener?: ErrorListener) {
        const lexer = super.createLexer(input, errorListener);
        if (!errorListener) lexer.removeErrorListeners();
        return lexer;
      }
      override createParser(input: string, errorListener?: ErrorListener) {
        const parser = super.createParser(input, errorListener);
        if (!errorListener) parser.removeErrorListeners();
        return parser;
      }
    }
    return new QuietTrinoSQL();
  }));

/** Words of DuckDB's dialect past Trino's grammar, or where Trino wants another order (OFFSET before LIMIT). */
const DIALECT_WORDS =
  /\b(?:QUALIFY|ILIKE|GLOB|SIMILAR|EXCLUDE|REPLACE|COLUMNS|PIVOT|UNPIVOT|ASOF|POSITIONAL|ANTI|SEMI|SAMPLE|TABLESAMPLE|OFFSET|INTERVAL|NAME|STRUCT|MAP|LIST|LAMBDA|WITHIN|RECURSIVE)\b/i;
/** Shapes made of plain characters that Trino still refuses. */
const DIALECT_SHAPES = [
  // ALL other than after a set operator: GROUP BY ALL, ORDER BY ALL, LIMIT ALL.
  /(?<!\b(?:UNION|INTERSECT|EXCEPT)\s+)\bALL\b/i,
  /\bDISTINCT\s+ON\b/i,
  // A trailing comma before FROM, a clause or a closing parenthesis.
  /,\s*(?:\)|$|\b(?:FROM|WHERE|GROUP|HAVING|ORDER|LIMIT|UNION|EXCEPT|INTERSECT|WINDOW)\b)/i,
  // A string as an alias, a prefixed string (E'…'), a string as a table (FROM 'file.csv').
  /\bAS\s*'|\w'|\b(?:FROM|JOIN)\s*'/i,
  // A number with letters or underscores (1_000, 0x1F, 10k).
  /\b\d+(?:\.\d*)?(?:e[+-]?\d+)?[a-z_]/i,
  // Operators DuckDB has and Trino lacks or spells otherwise: ->, ->>, **, //, <<, >>.
  /->|\*\*|\/\/|<<|>>/,
];

/**
 * Whether a statement could hold something Trino's grammar refuses, by a scan of its code (strings,
 * quoted names and comments set aside): a statement that does not start as a read query, holds more
 * than one statement, uses a character outside the words, numbers and operators both dialects share
 * (`::`, `[…]`, `{…}`, `$1`, `?`-free `:name` aside), names a word or shape of DuckDB's dialect, or
 * calls anything in its FROM clause (a table function such as read_csv). Only such a statement is
 * parsed with the grammar, so a plain query pays nothing for the check; the scan errs towards the
 * grammar, and a test holds it to every construct the grammar refuses.
 */
export function mayNeedGrammar(positionalSql: string): boolean {
  const code = segmentSql(positionalSql)
    .map((s) => (s.kind === 'code' ? s.text : s.kind === 'quoted' ? s.text[0] + ' ' + s.text[0] : ' '))
    .join('')
    .replace(/!=/g, '<>')
    .trim()
    .replace(/;$/, '');
  if (!/^(?:SELECT|WITH|VALUES|\()/i.test(code)) return true;
  if (/[^\w\s,.()*=<>+\-/|'"?]/.test(code)) return true;
  if (DIALECT_WORDS.test(code) || DIALECT_SHAPES.some((shape) => shape.test(code))) return true;
  const fromClauses =
    code.match(/\bFROM\b[\s\S]*?(?=\b(?:WHERE|GROUP|HAVING|ORDER|LIMIT|WINDOW|UNION|EXCEPT|INTERSECT)\b|$)/gi) ?? [];
  return fromClauses.some((clause) => /[\w"]\s*\(/.test(clause));
}

export async function checkTrinoPortability(sql: string): Promise<PortabilityWarning[]> {
  const named = duckdbOnlyWarnings(sql);
  const positional = toPositional(sql).sql;
  // A line whose DuckDB-only construct is named with its rewrite needs no parser error besides.
  const explained = new Set(named.map((w) => w.line));
  const grammar: PortabilityWarning[] = mayNeedGrammar(positional)
    ? (await trinoGrammar())
        .validate(positional)
        .filter((e) => !explained.has(e.startLine))
        .map((e) => ({ line: e.startLine, column: e.startColumn, message: `Trino cannot parse this: ${e.message}` }))
    : [];
  return [...named, ...grammar].sort((a, b) => a.line - b.line || (a.column ?? 0) - (b.column ?? 0));
}
