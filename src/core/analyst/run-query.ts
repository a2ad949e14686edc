import { allTables } from '../../../data-schemas/index.ts';
import { ChainwatchError, QueryError } from '../errors.ts';
import type { QueryEngine, QueryResult } from '../seams/query-engine.ts';
import { bindNamed, type ParamDecl } from './parameters.ts';
import { checkTrinoPortability, type PortabilityWarning } from './portability.ts';

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

/** DuckDB: `Table with name x does not exist`; Athena (Trino): `Table 'awsdatacatalog.db.x' does not exist`. */
const MISSING_TABLE = /Table (?:with name )?['"`]?([\w.]+?)['"`]? does not exist/i;

function explainQueryError(error: unknown, sql: string): unknown {
  const message = (error as Error)?.message ?? '';
  const missing = MISSING_TABLE.exec(message);
  if (missing) {
    const name = missing[1].split('.').pop()!;
    return new QueryError(
      `Unknown table "${name}"`,
      `The lake tables are: ${allTables.map((t) => t.name).join(', ')} (docs/columns.md lists their columns).`,
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

export async function runAnalystQuery(engine: QueryEngine, query: AnalystQuery): Promise<QueryResult> {
  const bound = bindNamed(query.sql, query.params ?? [], query.values ?? new Map());
  for (const warning of checkTrinoPortability(query.sql)) query.onWarning?.(warning);
  try {
    return await engine.query(bound.sql, bound.params);
  } catch (error) {
    const explained = explainQueryError(error, query.sql);
    if (explained instanceof ChainwatchError) throw explained;
    throw new QueryError(
      `Query failed on ${engine.name}: ${(error as Error)?.message ?? error}`,
      'Check the SQL against docs/columns.md.',
      { cause: error },
    );
  }
}
