import { createInterface } from 'node:readline';
import { ChainwatchError } from '../core/errors.ts';
import type { QueryEngine } from '../core/seams/query-engine.ts';
import { formatTable } from '../core/analyst/format.ts';
import { formatPortabilityWarning } from '../core/analyst/portability.ts';
import { runAnalystQuery } from '../core/analyst/run-query.ts';
import { segmentSql, splitStatements } from '../core/sql/sql-text.ts';

/**
 * An interactive SQL session on a query engine, for people without the DuckDB CLI: statements end
 * with `;` and may span lines; dot-commands (`.tables`, `.quit`) act at once. Results print as
 * aligned tables, errors as message + hint, and the session goes on after an error.
 */
export interface SessionIO {
  out(line: string): void;
  err(line: string): void;
}

export interface SessionOptions {
  input: NodeJS.ReadableStream;
  /** Show prompts (only when a person is typing). */
  prompt?: (text: string) => void;
}

export const SESSION_HELP = `Statements end with ";" and may span several lines.
.tables          list the tables (views over the lake)
.help            show this help
.quit or .exit   leave`;

const PROMPT = 'chainwatch> ';
const CONTINUE = '       ...> ';

const hasCode = (statement: string): boolean =>
  segmentSql(statement).some((s) => s.kind === 'code' && s.text.trim() !== '');

/** Run the session until `.quit` or the end of the input; resolves with the number of failed statements. */
export async function runSession(engine: QueryEngine, io: SessionIO, options: SessionOptions): Promise<number> {
  const lines = createInterface({ input: options.input, crlfDelay: Infinity, terminal: false });
  let failures = 0;
  let buffer = '';
  const report = (error: unknown) => {
    failures++;
    if (error instanceof ChainwatchError) io.err(`Error: ${error.message}\n  → ${error.hint}`);
    else throw error;
  };
  const run = async (sql: string) => {
    try {
      const result = await runAnalystQuery(engine, {
        sql,
        onWarning: (w) => io.err(`warning: will not run on Athena — ${formatPortabilityWarning(w)}`),
      });
      io.out(formatTable(result).replace(/\n$/, ''));
    } catch (error) {
      report(error);
    }
  };
  const commands: Record<string, () => Promise<boolean>> = {
    '.tables': async () => {
      await run('SELECT table_name AS name, table_type AS kind FROM information_schema.tables ORDER BY table_name');
      return true;
    },
    '.help': async () => {
      io.out(SESSION_HELP);
      return true;
    },
    '.quit': async () => false,
    '.exit': async () => false,
  };

  options.prompt?.(PROMPT);
  for await (const line of lines) {
    const command = line.trim().split(/\s+/)[0];
    if (buffer.trim() === '' && command.startsWith('.')) {
      const action = commands[command];
      if (!action) io.err(`Error: unknown command ${command}\n  → Type .help for the commands.`);
      else if (!(await action())) break;
    } else {
      const { complete, rest } = splitStatements(`${buffer}${line}\n`);
      for (const statement of complete.filter(hasCode)) await run(statement);
      buffer = rest.trim() === '' ? '' : rest;
    }
    options.prompt?.(buffer ? CONTINUE : PROMPT);
  }
  lines.close();
  if (hasCode(buffer)) {
    failures++;
    io.err('Error: the last statement has no closing ";" and was not run\n  → End each statement with ";".');
  }
  return failures;
}
