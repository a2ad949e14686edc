import { createInterface } from 'node:readline';
import { formatResult } from '../core/analyst/format.ts';
import { formatPortabilityWarning } from '../core/analyst/duckdb-only.ts';
import { type AnalystQuery, runAnalystQuery } from '../core/analyst/run-query.ts';
import { loadSavedQueries } from '../core/sql/saved-query.ts';
import { segmentSql, splitStatements } from '../core/sql/sql-text.ts';
import { ChainwatchError } from '../core/errors.ts';
import type { QueryEngine } from '../core/seams/query-engine.ts';
import { shellCompleter } from './shell-completion.ts';
import { DOT_COMMANDS, type DotCommandContext } from './shell-dot-commands.ts';
import { appendHistory, HISTORY_LINES, loadHistory } from './shell-history.ts';

/**
 * An interactive SQL session on a query engine, for people without the DuckDB CLI: statements end
 * with `;` and may span lines; dot-commands (`.tables`, `.describe`, `.format`, `.saved`, `.quit`)
 * act at once. Results print in the session's format, errors as message + hint, and the session
 * goes on after an error. At a terminal, readline gives line editing, history kept in a file, Tab
 * completion, and Ctrl-C cancels the running statement.
 */
export interface SessionIO {
  out(line: string): void;
  err(line: string): void;
}

export interface SessionOptions {
  input: NodeJS.ReadableStream;
  /** A person at a terminal (input and output are TTYs): prompts, line editing and history. */
  terminal?: { output: NodeJS.WritableStream; historyFile: string };
}

const PROMPT = 'chainwatch> ';
const CONTINUE = '       ...> ';

const hasCode = (statement: string): boolean =>
  segmentSql(statement).some((s) => s.kind === 'code' && s.text.trim() !== '');

/** Run the session until `.quit` or the end of the input; resolves with the number of failed statements. */
export async function runSession(engine: QueryEngine, io: SessionIO, options: SessionOptions): Promise<number> {
  const saved = await loadSavedQueries();
  const { terminal } = options;
  const warn = (what: string, error: unknown) => io.err(`warning: ${what}: ${(error as Error).message}`);
  const history = terminal
    ? await loadHistory(terminal.historyFile).catch((e: unknown) => {
        warn("earlier sessions' history not read", e);
        return [];
      })
    : [];
  const lines = createInterface({
    input: options.input,
    crlfDelay: Infinity,
    ...(terminal
      ? {
          output: terminal.output,
          terminal: true,
          prompt: PROMPT,
          history,
          historySize: HISTORY_LINES,
          completer: shellCompleter({
            dotCommands: Object.fromEntries(Object.entries(DOT_COMMANDS).map(([n, c]) => [n, c.completes ?? []])),
            saved: new Map(saved.map((q) => [q.name, q.params.map((p) => p.name)])),
          }),
        }
      : { terminal: false }),
  });
  let failures = 0;
  let buffer = '';
  /** From a line's Enter to the next prompt: Ctrl-C then cancels instead of clearing the line. */
  let busy = false;
  let cancelled = false;
  let quit = false;

  const context: DotCommandContext = {
    out: io.out,
    format: 'table',
    saved,
    query: (query: AnalystQuery) =>
      runAnalystQuery(engine, {
        ...query,
        onWarning: (w) => io.err(`warning: will not run on Athena — ${formatPortabilityWarning(w)}`),
      }),
  };
  /** Run one statement or dot-command; an error is reported and the session goes on. */
  const execute = async (task: () => Promise<unknown>): Promise<unknown> => {
    // Ctrl-C pressed after Enter but before the task started skips it.
    if (cancelled) return undefined;
    try {
      return await task();
    } catch (error) {
      if (cancelled) return undefined;
      if (error instanceof ChainwatchError) {
        failures++;
        io.err(`Error: ${error.message}\n  → ${error.hint}`);
      } else throw error;
    }
  };
  const statement = async (sql: string) => {
    const result = await context.query({ sql });
    io.out(((await formatResult(result, context.format)) as string).replace(/\n$/, ''));
  };

  if (terminal) {
    lines.on('SIGINT', () => {
      if (busy) {
        cancelled = true;
        engine.interrupt?.();
        return;
      }
      // As in a shell: the typed text stays on screen followed by ^C, and a fresh prompt starts below.
      buffer = '';
      lines.write(null, { ctrl: true, name: 'e' });
      terminal.output.write('^C\n');
      lines.setPrompt(PROMPT);
      lines.write(null, { ctrl: true, name: 'u' });
    });
    lines.prompt();
  }
  for await (const line of lines) {
    busy = true;
    cancelled = false;
    if (terminal && line.trim() !== '')
      await appendHistory(terminal.historyFile, line).catch((e: unknown) => warn('history not saved', e));
    const [command, ...args] = line.trim().split(/\s+/);
    if (buffer.trim() === '' && command.startsWith('.')) {
      const action = DOT_COMMANDS[command];
      if (!action) {
        failures++;
        io.err(`Error: unknown command ${command}\n  → Type .help for the commands.`);
      } else if ((await execute(() => action.run(args, context))) === 'quit') {
        quit = true;
        break;
      }
    } else {
      const { complete, rest } = splitStatements(`${buffer}${line}\n`);
      // Ctrl-C cancels the running statement and the ones after it on the same line.
      for (const sql of complete.filter(hasCode)) {
        await execute(() => statement(sql));
        if (cancelled) break;
      }
      buffer = rest.trim() === '' ? '' : rest;
    }
    if (cancelled) io.err('Cancelled.');
    busy = false;
    if (terminal) {
      lines.setPrompt(buffer ? CONTINUE : PROMPT);
      lines.prompt();
    }
  }
  lines.close();
  // Ctrl-D leaves the cursor after the prompt; the user's shell prompt starts on a line of its own.
  if (terminal && !quit) terminal.output.write('\n');
  if (hasCode(buffer)) {
    failures++;
    io.err('Error: the last statement has no closing ";" and was not run\n  → End each statement with ";".');
  }
  return failures;
}
