import { parseArgs } from 'node:util';
import { ChainwatchError, UsageError } from '../errors.ts';
import { ingestStep, metricsStep, reportStep, runLocalPipeline, type LocalPipelineOptions } from '../pipeline.ts';
import { queryCommand, type CommandIO } from './query.ts';
import { exportViewsCommand, shellCommand } from './shell.ts';

const HELP = `chainwatch — supply-chain dependence monitor

Usage: chainwatch <command> [options]

Commands:
  run        ingest → metrics → report (the whole pipeline, offline, on bundled data)
  ingest     land sources in the lake: raw/, curated/, quarantine/, _runs/
  metrics    compute the metric tables (SQL files in sql/metrics/) into metrics/
  report     build the static report site from the lake
  query         ad-hoc SQL on the lake tables (DuckDB; --engine athena for AWS)
  shell         interactive SQL session, every table as a view
  export-views  print DuckDB views of the lake (duckdb -init views.sql)

Each command takes --help.

Options:
  --lake <dir>   lake folder (default .lake/)
  --out <dir>    site output folder (default site/)
  --data <dir>   bundled data folder (default data/bundled)
  -h, --help     show this help

Exit codes: 0 success, 1 the run failed (reason on stderr), 2 bad usage.`;

type Command = (o: LocalPipelineOptions) => Promise<void>;
const COMMANDS: Record<string, Command> = {
  run: runLocalPipeline,
  ingest: ingestStep,
  metrics: metricsStep,
  report: reportStep,
};

/** Commands that parse their own options. */
const ANALYST_COMMANDS: Record<string, (args: string[], io: CommandIO) => Promise<void>> = {
  query: queryCommand,
  shell: shellCommand,
  'export-views': exportViewsCommand,
};

export async function main(argv: string[], out = console.log, err = console.error): Promise<number> {
  try {
    const analyst = ANALYST_COMMANDS[argv[0]];
    if (analyst) {
      await analyst(argv.slice(1), { out, err, isTTY: Boolean(process.stdout.isTTY) });
      return 0;
    }
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        lake: { type: 'string', default: '.lake' },
        out: { type: 'string', default: 'site' },
        data: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    const [name, ...rest] = positionals;
    if (values.help || !name) {
      out(HELP);
      return name || values.help ? 0 : 2;
    }
    const command = COMMANDS[name];
    if (!command) throw new UsageError(`Unknown command "${name}"`, `Run "chainwatch --help" for the list of commands.`);
    if (rest.length) throw new UsageError(`Unexpected argument "${rest[0]}"`, `Run "chainwatch --help" for usage.`);
    await command({ lakeDir: values.lake!, outDir: values.out!, dataDir: values.data, log: out });
    return 0;
  } catch (error) {
    if (error instanceof ChainwatchError) {
      err(`chainwatch: ${error.message}\n  → ${error.hint}`);
      return error instanceof UsageError ? 2 : 1;
    }
    if (error instanceof TypeError && (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      err(`chainwatch: ${error.message}\n  → Run "chainwatch --help" for usage.`);
      return 2;
    }
    err(`chainwatch: unexpected failure: ${(error as Error).message}\n  → This is a bug; please report it with the command you ran.`);
    if (process.env.CHAINWATCH_DEBUG) err((error as Error).stack ?? '');
    return 1;
  }
}
