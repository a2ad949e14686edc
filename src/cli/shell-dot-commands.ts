import { allTables, tableByName } from '../../data-schemas/index.ts';
import { columnsOf } from '../../data-schemas/table.ts';
import { formatResult, OUTPUT_FORMATS, type OutputFormat } from '../core/analyst/format.ts';
import { parseParamArgs } from '../core/sql/parameters.ts';
import type { AnalystQuery } from '../core/analyst/run-query.ts';
import { describeParam, type SavedQuery } from '../core/sql/saved-query.ts';
import { UsageError } from '../core/errors.ts';
import type { QueryResult } from '../core/seams/query-engine.ts';

/** The formats a result can be printed in on screen (Parquet is binary: `chainwatch query --out`). */
const SCREEN_FORMATS = OUTPUT_FORMATS.filter((f) => f !== 'parquet');

/** What a dot-command can use: the session's output and format, the saved queries, and the engine. */
export interface DotCommandContext {
  out(line: string): void;
  format: OutputFormat;
  saved: readonly SavedQuery[];
  /** Run an analyst query (portability warnings are printed); errors are the session's to report. */
  query(query: AnalystQuery): Promise<QueryResult>;
}

interface DotCommand {
  usage: string;
  help: string;
  /** Words Tab offers for the first argument. */
  completes?: readonly string[];
  /** Resolves with 'quit' to end the session. */
  run(args: string[], context: DotCommandContext): Promise<'quit' | undefined>;
}

const show = async (context: DotCommandContext, result: QueryResult) =>
  context.out(((await formatResult(result, context.format)) as string).replace(/\n$/, ''));

const usage = (command: DotCommand) => new UsageError(`Usage: ${command.usage}`, 'Type .help for the commands.');

const tableNames = allTables.map((t) => t.name);

const quit: DotCommand = { usage: '.quit, .exit', help: 'leave (so does Ctrl-D)', run: async () => 'quit' };

export const DOT_COMMANDS: Record<string, DotCommand> = {
  '.tables': {
    usage: '.tables',
    help: 'list the tables (views over the lake)',
    async run(_args, context) {
      const sql = 'SELECT table_name AS name, table_type AS kind FROM information_schema.tables ORDER BY table_name';
      await show(context, await context.query({ sql }));
      return undefined;
    },
  },
  '.describe': {
    usage: '.describe <table>',
    help: 'the columns of a table: name, type, meaning',
    completes: tableNames,
    async run(args, context) {
      if (args.length !== 1) throw usage(DOT_COMMANDS['.describe']);
      const table = tableByName(args[0]);
      if (!table) throw new UsageError(`Unknown table "${args[0]}"`, `The lake tables are: ${tableNames.join(', ')}.`);
      // The types are the engine's (what a query sees); the meanings are the schema's.
      const result = await context.query({
        sql: 'SELECT column_name AS "column", data_type AS type FROM information_schema.columns WHERE table_name = :t ORDER BY ordinal_position',
        values: new Map([['t', table.name]]),
      });
      const meaning = new Map(columnsOf(table).map((c) => [c.name, c.description]));
      await show(context, {
        columns: [...result.columns, { name: 'meaning', type: 'VARCHAR' }],
        rows: result.rows.map((row) => ({ ...row, meaning: meaning.get(String(row.column)) ?? null })),
      });
      return undefined;
    },
  },
  '.format': {
    usage: `.format ${SCREEN_FORMATS.join('|')}`,
    help: 'how results print (now: the format in use)',
    completes: SCREEN_FORMATS,
    async run(args, context) {
      if (args.length === 0) context.out(`format: ${context.format}`);
      else if (args.length === 1 && (SCREEN_FORMATS as readonly string[]).includes(args[0]))
        context.format = args[0] as OutputFormat;
      else throw usage(DOT_COMMANDS['.format']);
      return undefined;
    },
  },
  '.saved': {
    usage: '.saved [<name> [key=value …]]',
    help: 'run a saved query with parameters; without a name, list them',
    async run(args, context) {
      const [name, ...pairs] = args;
      if (name === undefined) {
        for (const q of context.saved) {
          context.out(`${q.name} — ${q.title}`);
          for (const p of q.params) context.out(`  ${describeParam(p)}`);
        }
        return undefined;
      }
      const saved = context.saved.find((q) => q.name === name);
      if (!saved) {
        const names = context.saved.map((q) => q.name).join(', ');
        throw new UsageError(`No saved query named "${name}"`, `Saved queries: ${names} (.saved lists them).`);
      }
      await show(context, await context.query({ sql: saved.sql, params: saved.params, values: parseParamArgs(pairs) }));
      return undefined;
    },
  },
  '.help': {
    usage: '.help',
    help: 'show this help',
    async run(_args, context) {
      context.out(SESSION_HELP);
      return undefined;
    },
  },
  '.quit': quit,
  '.exit': quit,
};

const commandLines = Object.values(DOT_COMMANDS)
  .filter((c, i, all) => all.indexOf(c) === i)
  .map((c) => `${c.usage.padEnd(34)} ${c.help}`);

export const SESSION_HELP = `Statements end with ";" and may span several lines.
${commandLines.join('\n')}
Keys: Up/Down recall earlier lines (kept across sessions), Tab completes tables, columns, saved
queries and keywords, Ctrl-C cancels the running statement or clears the line, Ctrl-D leaves.`;
