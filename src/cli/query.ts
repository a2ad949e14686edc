import { ENV } from '../core/env.ts';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { formatResult, outputFormatOf } from '../core/analyst/format.ts';
import { emptyResultNote } from '../core/analyst/param-references.ts';
import { requireLake } from '../core/lake/lake-marker.ts';
import { latestRelease } from '../core/lake/latest-run.ts';
import { parseParamArgs, type ParamDecl } from '../core/sql/parameters.ts';
import { formatPortabilityWarning } from '../core/analyst/duckdb-only.ts';
import { runAnalystQuery } from '../core/analyst/run-query.ts';
import { describeParam, findSavedQuery, loadSavedQueries, parseSavedQuery } from '../core/sql/saved-query.ts';
import type { QueryEngine } from '../core/seams/query-engine.ts';
import { UsageError } from '../core/errors.ts';
import { FolderObjectStore } from '../adapters/folder-store/folder-store.ts';
import { storeFromUri } from './lake-store.ts';
import { checkOutFile, writeOutFile } from './out-file.ts';
import { schemaSidecar } from '../core/analyst/schema-sidecar.ts';

/** Where a command writes: stdout lines, stderr lines, and whether stdout is a terminal. */
export interface CommandIO {
  out(line: string): void;
  err(line: string): void;
  isTTY?: boolean;
}

const QUERY_HELP = `chainwatch query — ad-hoc SQL on the lake tables (DuckDB locally, Athena in AWS)

Usage:
  chainwatch query "<sql>" [--param name=value]…
  chainwatch query --file q.sql [--param name=value]…
  chainwatch query --saved <name> [--param name=value]…
  chainwatch query --list

Placeholders are written :name and bound as values, never spliced into the SQL. A file's header
("-- @param year int = 2024 Reference year") gives their types and defaults; undeclared ones bind as strings.

Options:
  -f, --file <path>        read the SQL from a file
  -s, --saved <name>       run a saved query from sql/analyst/ (see --list)
  -p, --param <name=value> a parameter value (repeatable)
  -l, --list               list the saved queries and their parameters
      --format <fmt>       table, csv, json, jsonl (JSON Lines) or parquet. Default: the --out
                           file's extension (.csv .json .jsonl .parquet), else table in a terminal
                           and csv in a pipe. Dates, timestamps and decimals keep their types;
                           in csv, text a spreadsheet would run as a formula (=, +, -, @ first)
                           gets a leading ' so it shows as text, as in the site's CSVs
  -o, --out <file>         write the result to a file (its folder must exist); Parquet files carry
                           the SQL, parameters, release (run id) and as-of date as metadata
      --schema             with --out: also write <file>.schema.json, the column types and the
                           pandas dtypes that keep codes such as hs6 text (leading zeros kept):
                           pd.read_csv(f, **json.load(open(f + '.schema.json'))['pandas'])
      --engine <name>      duckdb (default) or athena
      --lake <dir|s3://…>  lake folder for DuckDB (default .lake); with athena, the lake's S3 location
                           (default $CHAINWATCH_LAKE)
      --workgroup <name>   Athena workgroup (default $CHAINWATCH_WORKGROUP), e.g. chainwatch-prod-analysts
      --database <name>    Glue database (default $CHAINWATCH_DATABASE), e.g. chainwatch_prod
  -h, --help               show this help

Athena uses the usual AWS environment (AWS_PROFILE or keys, AWS_REGION).`;

interface EngineOptions {
  lake: string;
  workgroup?: string;
  database?: string;
}

export type EngineFactory = (o: EngineOptions) => Promise<QueryEngine>;

const required = (value: string | undefined, option: string, env: string): string => {
  if (value) return value;
  throw new UsageError(`--engine athena needs ${option}`, `Pass ${option} <name> or set ${env}.`);
};

/**
 * The two edges of the query seam, each loaded when chosen (DuckDB's native module, the AWS SDK); tests
 * pass their own Athena factory (a client on moto_server).
 */
export const ENGINES: Record<'duckdb' | 'athena', EngineFactory> = {
  duckdb: async ({ lake }) => {
    const store = new FolderObjectStore(lake);
    // DuckDB loads (native code, on this thread) while the lake check waits for the file system.
    const [{ DuckDBQueryEngine }] = await Promise.all([
      import('../adapters/duckdb-engine/duckdb-engine.ts'),
      requireLake(store),
    ]);
    // An analyst session reads the lake tables and nothing else (SECURITY.md).
    return DuckDBQueryEngine.create({ lakeRoot: lake, store, readOnly: true });
  },
  athena: async ({ lake, workgroup, database }) => {
    const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(lake);
    if (!match)
      throw new UsageError(
        `--engine athena needs the lake's S3 location, not "${lake}"`,
        'Pass --lake s3://<bucket>/<prefix> or set CHAINWATCH_LAKE.',
      );
    const { AthenaQueryEngine } = await import('../adapters/athena-engine/athena-engine.ts');
    return new AthenaQueryEngine({
      workgroup: required(workgroup, '--workgroup', 'CHAINWATCH_WORKGROUP'),
      database: required(database, '--database', 'CHAINWATCH_DATABASE'),
      lakeBucket: match[1],
      lakePrefix: match[2],
      store: await storeFromUri(lake),
    });
  },
};

/** Print the saved queries: name, title, what they answer, their parameters. */
async function listSaved(io: CommandIO): Promise<void> {
  for (const q of await loadSavedQueries()) {
    io.out(`${q.name} — ${q.title}`);
    io.out(`  ${q.description}`);
    for (const p of q.params) io.out(`  --param ${describeParam(p)}`);
    io.out('');
  }
}

interface QueryText {
  sql: string;
  params: ParamDecl[];
}

/** The SQL to run, from exactly one of: an argument, --file, --saved. */
async function queryText(positionals: string[], file?: string, saved?: string): Promise<QueryText> {
  const given = [positionals.length > 0, file !== undefined, saved !== undefined].filter(Boolean).length;
  if (given !== 1 || positionals.length > 1) {
    throw new UsageError(
      'Give the query once: as one quoted argument, with --file, or with --saved',
      'Run "chainwatch query --help" for usage.',
    );
  }
  if (saved !== undefined) return findSavedQuery(saved);
  if (file !== undefined) {
    const text = await readFile(file, 'utf8').catch((cause: NodeJS.ErrnoException) => {
      throw new UsageError(`Cannot read ${file}: ${cause.code ?? cause.message}`, 'Check the path of --file.');
    });
    // A file with a "-- title:" header declares its parameter types; any other file is plain SQL.
    return /^\s*--\s*title:/.test(text) ? parseSavedQuery(basename(file), text) : { sql: text, params: [] };
  }
  return { sql: positionals[0], params: [] };
}

export async function queryCommand(
  args: string[],
  io: CommandIO,
  engines: Record<'duckdb' | 'athena', EngineFactory> = ENGINES,
): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      file: { type: 'string', short: 'f' },
      saved: { type: 'string', short: 's' },
      param: { type: 'string', short: 'p', multiple: true, default: [] },
      list: { type: 'boolean', short: 'l' },
      format: { type: 'string' },
      out: { type: 'string', short: 'o' },
      schema: { type: 'boolean' },
      engine: { type: 'string', default: 'duckdb' },
      lake: { type: 'string' },
      workgroup: { type: 'string' },
      database: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return io.out(QUERY_HELP);
  if (values.list) return listSaved(io);

  const engineName = values.engine!;
  if (engineName !== 'duckdb' && engineName !== 'athena')
    throw new UsageError(`Unknown engine "${engineName}"`, 'Use --engine duckdb or --engine athena.');
  if (values.out) await checkOutFile(values.out);
  const format = outputFormatOf({ format: values.format, out: values.out, isTTY: io.isTTY });
  if (values.schema && !values.out)
    throw new UsageError('--schema writes a file beside --out', 'Pass --out <file.csv> with --schema.');

  const text = await queryText(positionals, values.file, values.saved);
  const paramValues = parseParamArgs(values.param!);
  const lake = values.lake ?? (engineName === 'athena' ? (process.env[ENV.cliLake] ?? '') : '.lake');
  const engine = await engines[engineName]({
    lake,
    workgroup: values.workgroup ?? process.env[ENV.cliWorkgroup],
    database: values.database ?? process.env[ENV.cliDatabase],
  });
  try {
    const result = await runAnalystQuery(engine, {
      sql: text.sql,
      params: text.params,
      values: paramValues,
      onWarning: (w) => io.err(`warning: will not run on Athena — ${formatPortabilityWarning(w)}`),
    });
    if (result.rows.length === 0) {
      const note = await emptyResultNote(engine, result.params);
      if (note) io.err(`note: no rows — ${note}`);
    }
    const release = format === 'parquet' ? await latestRelease(await storeFromUri(lake)) : undefined;
    const output = await formatResult(result, format, {
      'chainwatch.sql': text.sql,
      'chainwatch.params': JSON.stringify(result.params),
      'chainwatch.release': release?.runId ?? '',
      'chainwatch.as_of': release?.finishedAt.slice(0, 10) ?? '',
      'chainwatch.engine': engine.name,
    });
    if (values.out) {
      await writeOutFile(values.out, output);
      if (values.schema) await writeOutFile(`${values.out}.schema.json`, schemaSidecar(result.columns));
      io.err(`${result.rows.length} rows → ${values.out}${values.schema ? ` (+ ${values.out}.schema.json)` : ''}`);
    } else if (output !== '') {
      io.out((output as string).replace(/\n$/, ''));
    }
  } finally {
    await engine.close();
  }
}
