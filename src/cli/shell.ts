import { parseArgs } from 'node:util';
import { runSession } from './shell-session.ts';
import { SESSION_HELP } from './shell-dot-commands.ts';
import { historyFile } from './shell-history.ts';
import { duckdbViewsScript } from '../adapters/duckdb-engine/views-script.ts';
import { QueryError } from '../core/errors.ts';
import { FolderObjectStore } from '../adapters/folder-store/folder-store.ts';
import { ENGINES, type CommandIO } from './query.ts';
import { requireLake } from '../core/lake/lake-marker.ts';

const SHELL_HELP = `chainwatch shell — an interactive SQL session on the lake (DuckDB, views named as the Glue tables)

Usage: chainwatch shell [--lake <dir>]

${SESSION_HELP}
History is kept in $XDG_STATE_HOME/chainwatch/history (default ~/.local/state/chainwatch/history).

With the DuckDB CLI installed, the same views:
  chainwatch export-views --lake <dir> > views.sql && duckdb -init views.sql`;

const EXPORT_VIEWS_HELP = `chainwatch export-views — print the DuckDB views of every lake table

Usage: chainwatch export-views [--lake <dir>] > views.sql
Then: duckdb -init views.sql   (or run views.sql in any DuckDB client)`;

const lakeOption = { lake: { type: 'string', default: '.lake' }, help: { type: 'boolean', short: 'h' } } as const;

/** The exact commands that give a DuckDB CLI user the same session. */
const duckdbCliCommand = (lake: string): string =>
  `chainwatch export-views --lake ${JSON.stringify(lake)} > views.sql && duckdb -init views.sql`;

export async function shellCommand(
  args: string[],
  io: CommandIO,
  input: NodeJS.ReadableStream = process.stdin,
): Promise<void> {
  const { values } = parseArgs({ args, options: lakeOption });
  if (values.help) return io.out(SHELL_HELP);
  const engine = await ENGINES.duckdb({ lake: values.lake });
  try {
    io.err(`chainwatch shell on ${values.lake} (DuckDB). Type .help for commands, .quit or Ctrl-D to leave.`);
    io.err(`With the DuckDB CLI: ${duckdbCliCommand(values.lake)}`);
    // Line editing and history only for a person: both ends a terminal (not "shell < script.sql").
    const person = io.isTTY && (input as { isTTY?: boolean }).isTTY === true;
    const failures = await runSession(engine, io, {
      input,
      terminal: person ? { output: process.stdout, historyFile: historyFile() } : undefined,
    });
    // A scripted session (stdin from a file) must tell its caller that a statement failed.
    if (failures > 0 && !person) {
      throw new QueryError(`${failures} statement${failures === 1 ? '' : 's'} failed`, 'See the errors above.');
    }
  } finally {
    await engine.close();
  }
}

export async function exportViewsCommand(args: string[], io: CommandIO): Promise<void> {
  const { values } = parseArgs({ args, options: lakeOption });
  if (values.help) return io.out(EXPORT_VIEWS_HELP);
  const store = new FolderObjectStore(values.lake);
  await requireLake(store);
  io.out((await duckdbViewsScript(values.lake, store)).replace(/\n$/, ''));
}
