import { allTables } from '../../data-schemas/index.ts';
import { columnsOf } from '../../data-schemas/table.ts';

/** What Tab can complete besides table and column names (those come from data-schemas). */
export interface CompletionWords {
  /** Dot-commands and the words each takes as its first argument. */
  dotCommands: Record<string, readonly string[]>;
  /** Saved query names with their parameter names (`.saved <name> <param>=…`). */
  saved: ReadonlyMap<string, readonly string[]>;
}

/** The SQL words an analyst types most; completed in the case the word was started in. */
// biome-ignore format: a word list reads best packed
const KEYWORDS = [
  'SELECT', 'FROM', 'WHERE', 'GROUP BY', 'ORDER BY', 'HAVING', 'LIMIT', 'OFFSET', 'JOIN', 'LEFT JOIN', 'INNER JOIN',
  'ON', 'USING', 'AS', 'AND', 'OR', 'NOT', 'IN', 'IS', 'NULL', 'LIKE', 'BETWEEN', 'CASE', 'WHEN', 'THEN', 'ELSE',
  'END', 'DISTINCT', 'WITH', 'UNION ALL', 'EXCEPT', 'INTERSECT', 'ASC', 'DESC', 'CAST', 'COUNT', 'SUM', 'AVG', 'MIN',
  'MAX', 'ROUND', 'COALESCE', 'OVER', 'PARTITION BY', 'DESCRIBE', 'SUMMARIZE', 'SHOW TABLES', 'VALUES',
];

const matching = (words: Iterable<string>, prefix: string): string[] =>
  [...new Set(words)].filter((w) => w.toLowerCase().startsWith(prefix.toLowerCase())).sort();

/**
 * readline's completer for the shell: given the line up to the cursor, the candidates and the part of
 * the line they replace. A dot-command line completes its command, then its argument; a SQL line
 * completes the word under the cursor from table names, column names (only that table's after
 * `table.`) and keywords. An empty word completes nothing rather than listing everything.
 */
export function shellCompleter(words: CompletionWords): (line: string) => [string[], string] {
  const columns = allTables.flatMap((t) => columnsOf(t).map((c) => c.name));
  return (line) => {
    const dot = /^\s*(\.\w*)(\s+.*)?$/.exec(line);
    if (dot) {
      const [, command, rest] = dot;
      if (rest === undefined) return [matching(Object.keys(words.dotCommands), command), command];
      const args = rest.trimStart().split(/\s+/);
      const word = args.at(-1)!;
      if (args.length === 1) {
        const first = command === '.saved' ? words.saved.keys() : (words.dotCommands[command] ?? []);
        return [matching(first, word), word];
      }
      const params = command === '.saved' ? (words.saved.get(args[0]) ?? []) : [];
      return [
        matching(
          params.map((p) => `${p}=`),
          word,
        ),
        word,
      ];
    }
    const [, qualifier, word] = /(?:(\w+)\.)?(\w*)$/.exec(line)!;
    const table = qualifier ? allTables.find((t) => t.name === qualifier) : undefined;
    if (table)
      return [
        matching(
          columnsOf(table).map((c) => c.name),
          word,
        ),
        word,
      ];
    if (word === '') return [[], word];
    const keywords = word === word.toLowerCase() ? KEYWORDS.map((k) => k.toLowerCase()) : KEYWORDS;
    return [matching([...allTables.map((t) => t.name), ...columns, ...keywords], word), word];
  };
}
