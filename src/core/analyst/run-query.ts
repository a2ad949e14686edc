import { didYouMean } from '../close-matches.ts';
import { ChainwatchError, QueryError } from '../errors.ts';
import type { QueryEngine, QueryResult, SqlValue } from '../seams/query-engine.ts';
import { bindNamed, type ParamDecl } from '../sql/parameters.ts';
import { checkReferenceParams } from './param-references.ts';
import type { PortabilityWarning } from './duckdb-only.ts';
import { checkTrinoPortability } from './portability.ts';

/**
 * One analyst query on either engine: bind the named parameters, check that the SQL would also
 * run on Athena, run it, and turn the engine's "no such table" into a list of the tables there are.
 */
export interface AnalystQuery {
  sql: string;
  /** Declared parameters (a saved query's or a file's header); undeclared placeholders bind as strings. */
  params?: readonly ParamDecl[];
  /** `--param` values by name, as typed. */
  values?: ReadonlyMap<string, string>;
  /** Told about each construct Athena (Trino) will not run, before the query starts. */
  onWarning?: (warning: PortabilityWarning) => void;
}

/** A query's result and the parameter values it ran with, by name. */
export interface AnalystResult extends QueryResult {
  params: Record<string, SqlValue>;
}

/** DuckDB: `Table with name x does not exist`; Athena (Trino): `Table 'awsdatacatalog.db.x' does not exist`. */
const MISSING_TABLE = /Table (?:with name )?['"`]?([\w.]+?)['"`]? does not exist/i;
/** DuckDB: `Referenced column "foo" not found`; Athena (Trino): `Column 'foo' cannot be resolved`. */
const MISSING_COLUMN = /(?:Referenced column "([^"]+)" not found|Column '([^']+)' cannot be resolved)/i;
/** DuckDB: `Scalar Function with name f does not exist`; Athena (Trino): `Function 'f' not registered`. */
const MISSING_FUNCTION =
  /(?:(?:Scalar|Aggregate|Table) Function with name "?(\w+)"? does not exist|Function '(\w+)' not registered)/i;
/** DuckDB's own suggestion, which it appends to a catalog error: `Did you mean "date_part"?`. */
const ENGINE_SUGGESTION = /Did you mean "([^"]+)"/;

/**
 * Functions of one engine an analyst reaches for on the other. chainwatch SQL runs on both, so the
 * hint names the other engine's spelling and says when there is no shared one.
 */
const OTHER_ENGINE_FUNCTIONS: Record<string, string> = {
  date_format: 'date_format is Athena’s (DuckDB: strftime); neither runs on both — format dates in the client',
  date_parse: 'date_parse is Athena’s (DuckDB: strptime); neither runs on both — keep dates as DATE or text',
  strftime: 'strftime is DuckDB’s (Athena: date_format); neither runs on both — format dates in the client',
  arg_max: 'arg_max is DuckDB’s; write max_by(x, y), which both engines run',
  arg_min: 'arg_min is DuckDB’s; write min_by(x, y), which both engines run',
  json_extract_scalar: 'json_extract_scalar is Athena’s (DuckDB: json_extract_string)',
  to_unixtime: 'to_unixtime is Athena’s (DuckDB: epoch)',
  array_join: 'array_join is Athena’s (DuckDB: array_to_string)',
};

type Schemas = typeof import('../../../data-schemas/index.ts');

/** The columns an analyst may have meant: those of the tables the SQL names, else every table's. */
function candidateColumns(sql: string, { allTables, columnsOf }: Schemas): string[] {
  const words = new Set(sql.toLowerCase().match(/[a-z_][a-z0-9_]*/g) ?? []);
  const named = allTables.filter((t) => words.has(t.name));
  return (named.length > 0 ? named : allTables).flatMap((t) => columnsOf(t).map((c) => c.name));
}

async function explainQueryError(error: unknown, sql: string): Promise<unknown> {
  const message = (error as Error)?.message ?? '';
  // The schemas (zod) are loaded only here: a query that succeeds never needs them.
  const schemas = await import('../../../data-schemas/index.ts');
  const { allTables } = schemas;
  const missing = MISSING_TABLE.exec(message);
  const tables = allTables.map((t) => t.name);
  if (missing) {
    const name = missing[1].split('.').pop()!;
    return new QueryError(
      `Unknown table "${name}"`,
      `${didYouMean(name, tables)}The lake tables are: ${tables.join(', ')} (docs/columns.md lists their columns).`,
      { cause: error },
    );
  }
  const column = MISSING_COLUMN.exec(message);
  if (column) {
    const name = column[1] ?? column[2];
    const candidates = candidateColumns(sql, schemas);
    return new QueryError(
      `Unknown column "${name}"`,
      `${didYouMean(name, candidates) || 'No column is spelled like it. '}docs/columns.md lists every table's columns.`,
      { cause: error },
    );
  }
  const fn = MISSING_FUNCTION.exec(message);
  if (fn) {
    const name = (fn[1] ?? fn[2]).toLowerCase();
    const suggestion = ENGINE_SUGGESTION.exec(message)?.[1];
    const other = OTHER_ENGINE_FUNCTIONS[name];
    return new QueryError(
      `Unknown function ${name}()`,
      other
        ? `${other}.`
        : `${suggestion ? `Did you mean ${suggestion}()? ` : ''}chainwatch SQL runs on DuckDB and Athena (Trino): use functions both have.`,
      { cause: error },
    );
  }
  // DuckDB names the line of a syntax error except when the statement just stops: say where it stops.
  if (error instanceof QueryError && /syntax error at end of input/.test(message)) {
    return new QueryError(
      `${message} (the statement ends unfinished on line ${sql.trimEnd().split('\n').length})`,
      error.hint,
      { cause: error },
    );
  }
  return error;
}

export async function runAnalystQuery(engine: QueryEngine, query: AnalystQuery): Promise<AnalystResult> {
  const bound = bindNamed(query.sql, query.params ?? [], query.values ?? new Map());
  for (const warning of await checkTrinoPortability(query.sql)) query.onWarning?.(warning);
  // Only the values the analyst gave: the error names --param, and a saved query's default is its author's
  // choice, which a lake whose reference table lacks it (the query still answers) must not refuse.
  const given = Object.entries(bound.named).filter(([name]) => query.values?.has(name));
  await checkReferenceParams(engine, Object.fromEntries(given));
  try {
    return { ...(await engine.query(bound.sql, bound.params)), params: bound.named };
  } catch (error) {
    const explained = await explainQueryError(error, query.sql);
    if (explained instanceof ChainwatchError) throw explained;
    throw new QueryError(
      `Query failed on ${engine.name}: ${(error as Error)?.message ?? error}`,
      'Check the SQL against docs/columns.md.',
      { cause: error },
    );
  }
}
