import { lakePrefix, PART_FILE } from '../../core/lake/layout.ts';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
// The compiled CLI bundles this package's JavaScript (scripts/build.mjs): loaded from node_modules, its
// 120 CommonJS files cost about 0.1 s of every `chainwatch query`'s start-up (docs/benchmarks.md).
import {
  DuckDBInstance,
  DuckDBTypeId,
  listValue,
  StatementType,
  type DuckDBConnection,
  type DuckDBPreparedStatement,
} from '@duckdb/node-api';
import { TABLE_NAMES } from '../../../data-schemas/table-names.ts';
import type { TableDef } from '../../../data-schemas/table.ts';
import { ChainwatchError, QueryError } from '../../core/errors.ts';
import { REPORT_MEMORY_HINT } from '../../core/env.ts';
import { readBytes } from '../../core/read-bytes.ts';
import type { ObjectStore } from '../../core/seams/object-store.ts';
import type { ViewFiles } from './duckdb-views.ts';
import { literalPattern, sqlIdent, sqlString } from './sql-literals.ts';
import { newSessionFolder } from './work-folder.ts';
import type { FileTarget, QueryEngine, QueryResult, Row, SqlValue } from '../../core/seams/query-engine.ts';

/**
 * The table schemas (zod) and what is built from them (view DDL, metric versions), loaded by the first
 * statement that names a table: a statement that names none (`select 1`) loads neither, which is
 * about 0.1 s of a `chainwatch query`'s start-up (docs/benchmarks.md).
 */
let tableModules: ReturnType<typeof loadTableModules> | undefined;
async function loadTableModules() {
  const [schemas, views, versions, partitions] = await Promise.all([
    import('../../../data-schemas/index.ts'),
    import('./duckdb-views.ts'),
    import('../../core/lake/metric-versions.ts'),
    import('../../core/lake/partitions.ts'),
  ]);
  return {
    allTables: schemas.allTables,
    tableByName: schemas.tableByName,
    columnsOf: schemas.columnsOf,
    fileColumnsOf: schemas.fileColumnsOf,
    brokenViewDdl: views.brokenViewDdl,
    emptyTempViewDdl: views.emptyTempViewDdl,
    viewDdl: views.viewDdl,
    DUCKDB_TYPE: views.DUCKDB_TYPE,
    tableKeys: versions.tableKeys,
    publishMetricVersion: versions.publishMetricVersion,
    PARQUET_CONTENT_TYPE: partitions.PARQUET_CONTENT_TYPE,
  };
}
const tables = () => (tableModules ??= loadTableModules());

/**
 * Statements that read the catalog rather than name tables (SHOW TABLES, information_schema,
 * duckdb_views(), DESCRIBE): they see every table's view.
 */
const CATALOG_WORDS = /\b(?:show|describe|summarize|information_schema|duckdb_\w+|pg_\w+|sqlite_\w+|pragma\w*)\b/i;

/**
 * The lake tables a statement may read: those it names (anywhere, even in a string or comment: a view
 * too many costs a little time, one too few an error), or all of them for a catalog statement.
 */
function tablesNamedIn(sql: string): readonly string[] {
  if (CATALOG_WORDS.test(sql)) return TABLE_NAMES;
  const words = new Set(sql.toLowerCase().match(/[a-z_][a-z0-9_]*/g) ?? []);
  return TABLE_NAMES.filter((name) => words.has(name));
}

export interface DuckDBQueryEngineOptions {
  /** The lake folder the views read (`.lake/`). */
  lakeRoot: string;
  /** The object store on that same folder; materialized tables are written through it. */
  store: ObjectStore;
  /**
   * An analyst session (`chainwatch query`, `shell`): it reads the lake's tables and nothing else. DuckDB
   * may touch no file outside `curated/` and `metrics/` (and its own spill folder), no setting can be
   * changed, and a statement runs only if it is one read query. The pipeline's engine writes metric tables.
   */
  readOnly?: boolean;
  /**
   * DuckDB's memory limit (e.g. `'128MB'`): past it, sorts and joins spill to a folder of the session's
   * own (removed at close) instead of growing the process. Default: DuckDB's (80 % of the machine's RAM).
   */
  memoryLimit?: string;
  /** DuckDB's worker threads; default one per core. Each thread holds buffers of its own while it scans or writes. */
  threads?: number;
}

/** Freed at once, past which a capped session hands free memory back to the operating system. */
const TRIM_AFTER_FREEING = '8MB';

/** The statement's first keyword, past comments and parentheses: what a refusal calls it ("COPY", "SET"). */
const firstWord = (sql: string): string =>
  /^(?:\s|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/|\()*([A-Za-z_]+)/.exec(sql)?.[1]?.toUpperCase() ?? 'UNKNOWN';
// By sound: an UPDATE, an EXPLAIN, but a USE.
const article = (word: string): string => `${/^(?:[AEIO]|U(?!S))/.test(word) ? 'an' : 'a'} ${word}`;

/** An analyst statement that is not one read query. */
const notARead = (what: string): QueryError =>
  new QueryError(
    `Only a single read query runs here (SELECT, WITH … SELECT, VALUES, FROM …, DESCRIBE, SUMMARIZE, SHOW); this is ${what}`,
    'The session reads the lake tables and nothing else: no COPY, SET, ATTACH, INSTALL, LOAD, CREATE, PRAGMA or file reads outside the lake tables. Save a result with "chainwatch query … --format csv --out <file>".',
  );

/** What to do next for a DuckDB error, by its error class (DuckDB names it in every message, not always first). */
function hintFor(message: string): string {
  if (/\bCatalog Error/.test(message)) {
    return `Query the lake tables by their Glue names: ${TABLE_NAMES.join(', ')}.`;
  }
  if (/\bPermission Error/.test(message) || /configuration has been locked/.test(message)) {
    return `An analyst session reads the lake tables and nothing else: query them by name (${TABLE_NAMES.join(', ')}), not files, settings or extensions.`;
  }
  if (/\bParser Error/.test(message)) {
    return 'Fix the SQL syntax; chainwatch SQL must also run on Athena (Trino), so avoid ::, QUALIFY and ILIKE.';
  }
  if (/\bBinder Error/.test(message)) {
    return 'Check the column names against the table schemas in data-schemas/ (the analyst guide lists them).';
  }
  if (/prepared statement parameters/.test(message)) return 'Pass one value for each ? placeholder, in order.';
  if (/\bOut of Memory Error/.test(message)) return REPORT_MEMORY_HINT;
  return 'See the DuckDB message; check the SQL and that the lake folder holds readable Parquet files.';
}

/**
 * Types whose values are given as DuckDB writes them, as Athena returns them: `2024-01-01` for a
 * DATE, `2024-01-01 10:00:00.123456` for a TIMESTAMP (not a JS Date's UTC instant), `10:11:12`, `3 days`.
 */
const TEXT_TYPES = /^(DATE|TIME|TIMESTAMP|INTERVAL)/;

/** Rows as plain JS values: integers that fit become numbers (DuckDB sums are HUGEINT), decimals numbers. */
function toSqlValue(value: unknown): SqlValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  }
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

function bindAll(statement: DuckDBPreparedStatement, params: readonly SqlValue[]): void {
  if (statement.parameterCount !== params.length) {
    throw new QueryError(
      `The SQL has ${statement.parameterCount} ? placeholders but ${params.length} values were given`,
      'Pass one value for each ? placeholder, in order.',
    );
  }
  params.forEach((value, i) => {
    const index = i + 1;
    if (value === null) statement.bindNull(index);
    else if (typeof value === 'string') statement.bindVarchar(index, value);
    else if (typeof value === 'boolean') statement.bindBoolean(index, value);
    else if (!Number.isInteger(value)) statement.bindDouble(index, value);
    else if (Math.abs(value) <= 2 ** 31 - 1) statement.bindInteger(index, value);
    else statement.bindBigInt(index, BigInt(value));
  });
}

/** Rows as the engine hands them out: plain JS values, one object per row. */
const toRow = (row: Record<string, unknown>): Row => {
  const out: Row = {};
  for (const [k, v] of Object.entries(row)) out[k] = toSqlValue(v);
  return out;
};

/**
 * Settings of the whole instance, so every connection (the streams' own too, even after an analyst
 * session locks the configuration) behaves like Athena (Trino) where the two differ.
 */
async function configure(session: DuckDBConnection): Promise<void> {
  // Offline: never download an extension. Trino truncates int/int, so local SQL must too.
  await session.run('SET GLOBAL autoinstall_known_extensions = false');
  await session.run('SET GLOBAL integer_division = true');
}

/**
 * Rows per row group of a Parquet file `writeFile` writes: DuckDB's writer holds a row group in memory
 * before it flushes it (its default, 122,880 rows of a wide table, cost ~100 MB at 1M trade rows), and a
 * reader skips by row group.
 */
const PARQUET_ROW_GROUP_ROWS = 20_000;

/** A SQL file's statement without its trailing `;`, so it can be wrapped in COPY (…). */
const statementBody = (sql: string): string => sql.trim().replace(/;\s*$/, '');

/**
 * Column types a Parquet file does not hold exactly (DuckDB writes a HUGEINT, what SUM of a BIGINT gives, as a
 * DOUBLE): a stream's spool file holds them as text, and the read back casts them to their own type again.
 */
const SPOOLED_AS_TEXT: ReadonlySet<DuckDBTypeId> = new Set([DuckDBTypeId.HUGEINT, DuckDBTypeId.UHUGEINT]);

/** `SELECT *` with `columns` (quoted names, DuckDB's type names) cast to `type`, or each to its own. */
function selectCasting(columns: readonly { name: string; type: string }[], type?: string): string {
  const casts = columns.map((c) => `CAST(${c.name} AS ${type ?? c.type}) AS ${c.name}`);
  return casts.length ? `SELECT * REPLACE (${casts.join(', ')})` : 'SELECT *';
}

/**
 * The local query engine: an in-memory DuckDB whose views have the Glue table names and read the
 * lake folder's Parquet files, configured to behave like Athena (Trino) where the two differ. A
 * table's view is made when a statement first names the table: opening the engine lists no folder
 * and reads no Parquet footer.
 */
export class DuckDBQueryEngine implements QueryEngine {
  readonly name = 'duckdb' as const;
  /** The query call in progress, which `interrupt` stops. */
  private running?: Promise<QueryResult>;
  /** The tables whose views exist, by name, and the view making in progress. */
  private readonly viewsMade = new Set<string>();
  private viewsMaking: Promise<unknown> = Promise.resolve();
  /** Spool files made so far, which names the next. */
  private spools = 0;
  /** The type checker's empty TEMP views, made by the first materialize. */
  private typeViews?: Promise<void>;
  /** The metric tables' files when a statement first named one (`metricFiles`). */
  private metricSnapshot?: Promise<(table: TableDef) => string[]>;
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    /**
     * A second session with an empty typed TEMP view per table (made by the first materialize), for its column check:
     * binding against them gives the same types as the real views (both cast every column to its
     * declared type) without listing or opening a single file.
     */
    private readonly typeChecker: DuckDBConnection,
    private readonly lakeRoot: string,
    private readonly store: ObjectStore,
    /**
     * The session's own folder (removed at close): its streams' spool files, and its spill files when it is an
     * analyst's or has a memory limit.
     */
    private readonly workDir: string,
    /** An analyst session: one read query per statement, no writes. */
    private readonly readOnly: boolean,
  ) {}

  static async create({
    lakeRoot,
    store,
    readOnly = false,
    memoryLimit,
    threads,
  }: DuckDBQueryEngineOptions): Promise<DuckDBQueryEngine> {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const typeChecker = await instance.connect();
    const workDir = await newSessionFolder();
    const engine = new DuckDBQueryEngine(instance, connection, typeChecker, lakeRoot, store, workDir, readOnly);
    try {
      await configure(connection);
      if (readOnly || memoryLimit) await engine.run(`SET temp_directory = ${sqlString(workDir)}`);
      if (memoryLimit) {
        await engine.run(`SET memory_limit = ${sqlString(memoryLimit)}`);
        // Nor a cache of the files it read: DuckDB's external file cache keeps what it read in the buffer pool, up
        // to the limit. A report's table files session held ~50 MB more with it at 10M rows (bench/analysis.md);
        // the operating system's page cache serves a local file read again.
        await engine.run('SET enable_external_file_cache = false');
        // And what it frees goes back to the operating system: past this much freed at once DuckDB calls glibc's
        // malloc_trim, which returns every thread's free pages. At its default (512 MB) a capped session never
        // reaches it, and the pages freed by its queries stayed in the process (bench/analysis.md).
        await engine.run(`SET allocator_bulk_deallocation_flush_threshold = ${sqlString(TRIM_AFTER_FREEING)}`);
      }
      if (threads) await engine.run(`SET threads = ${Math.max(1, Math.floor(threads))}`);
      if (readOnly) await engine.lockDown();
    } catch (cause) {
      await engine.close();
      throw cause instanceof ChainwatchError ? cause : engine.fail('Could not open the lake in DuckDB', cause);
    }
    return engine;
  }

  /**
   * The analyst session's sandbox, set once and locked: DuckDB may open files only under the lake's
   * table folders (reads of a view, read_parquet of a table file) and its own folder (spill files, the
   * streams' spool files); every other file, extension, ATTACH or setting change is refused by DuckDB
   * itself. Writing inside the allowed folders (COPY … TO) is what the statement check of `query` refuses.
   */
  private async lockDown(): Promise<void> {
    const lake = resolve(this.lakeRoot);
    // DuckDB checks a view's file pattern (glob characters in classes: literalPattern) before it globs, and
    // each file it opens after: both spellings of the two table folders are allowed, and nothing else.
    const folders = [lakePrefix.curated, lakePrefix.metrics].flatMap((p) => [
      `${lake}/${p}`,
      `${literalPattern(lake)}/${p}`,
    ]);
    const allowed = [...new Set([...folders, this.workDir])].map(sqlString);
    await this.run(`SET allowed_directories = [${allowed.join(', ')}]`);
    await this.run('SET enable_external_access = false');
    await this.run('SET lock_configuration = true');
  }

  /**
   * A prepared analyst statement, if it is exactly one read query; otherwise the refusal. The SQL is
   * classified by DuckDB's parser alone (json_serialize_sql serializes SELECT statements only) before
   * anything is bound: binding some statements already acts (EXPORT DATABASE makes its folder).
   */
  private async prepareRead(sql: string, session = this.connection): Promise<DuckDBPreparedStatement> {
    const count = (await session.extractStatements(sql)).count;
    if (count !== 1) throw notARead(`${count} statements`);
    const reader = await session.runAndReadAll('SELECT json_serialize_sql(?::VARCHAR)::VARCHAR', [sql]);
    const parsed = JSON.parse(String(reader.getRowsJS()[0][0])) as { error: boolean; error_type?: string };
    // A syntax error is left to prepare, which reports it with its line.
    if (parsed.error && parsed.error_type !== 'parser') throw notARead(`${article(firstWord(sql))} statement`);
    const statement = await session.prepare(sql);
    if (statement.statementType !== StatementType.SELECT)
      throw notARead(`${article(StatementType[statement.statementType])} statement`);
    return statement;
  }

  /**
   * The views of the tables a statement names that do not exist yet; one caller at a time, so
   * statements run side by side (the report's streams) never make the same view twice.
   */
  private viewsFor(sql: string): Promise<void> {
    const made = this.viewsMaking.then(async () => {
      const missing = tablesNamedIn(sql).filter((name) => !this.viewsMade.has(name));
      if (missing.length === 0) return;
      const { tableByName, tableKeys } = await tables();
      for (const name of missing) {
        const table = tableByName(name)!;
        const files = table.zone === 'metrics' ? (await this.metricFiles())(table) : await tableKeys(this.store, table);
        await this.makeView(table, files);
        this.viewsMade.add(name);
      }
    });
    this.viewsMaking = made.catch(() => undefined);
    return made;
  }

  /**
   * Make or re-point the views at the files now in the lake (default: every table's). A table without
   * files has an empty typed view; call this after another process landed data or switched a metric
   * table. Views over curated files read them lazily, so a rewritten partition is seen without a
   * refresh; a metric table's view names the files of its current version.
   */
  async refreshViews(only?: readonly TableDef[]): Promise<void> {
    const { allTables, tableKeys } = await tables();
    for (const table of only ?? allTables) {
      await this.makeView(table, await tableKeys(this.store, table));
      this.viewsMade.add(table.name);
    }
  }

  /**
   * Every metric table's current files, read from all their manifests at once when a statement first
   * names one: the session's metric views show the tables as they were at one moment, even when
   * another process switches some of them in between (it keeps the replaced version until its next switch).
   */
  private metricFiles(): Promise<(table: TableDef) => string[]> {
    this.metricSnapshot ??= (async () => {
      const { allTables, tableKeys } = await tables();
      const metrics = allTables.filter((t) => t.zone === 'metrics');
      const files = new Map(
        await Promise.all(metrics.map(async (t) => [t.name, await tableKeys(this.store, t)] as const)),
      );
      return (table: TableDef) => files.get(table.name)!;
    })();
    return this.metricSnapshot;
  }

  /** A table's view over its files (`tableKeys`). */
  private async makeView(table: TableDef, files: readonly string[]): Promise<void> {
    const { brokenViewDdl, viewDdl } = await tables();
    const missing = table.zone === 'metrics' ? await this.firstMissing(files) : undefined;
    if (missing) {
      // A metric file removed by hand: the view fails when read (saying what to do), and the lake still opens,
      // so the metrics step can recompute the table.
      return this.run(brokenViewDdl(table, `${this.store.location}${missing} is missing: run chainwatch metrics`));
    }
    if (files.length !== 1)
      return this.run(viewDdl(table, this.lakeRoot, files, await this.columnsInFiles(table, files)));
    // One file: its footer is read only if the view does not bind (a file from an earlier chainwatch,
    // without a column added since), so opening a current lake reads no footers.
    await this.run(viewDdl(table, this.lakeRoot, files, { unionByName: false })).catch(async () =>
      this.run(viewDdl(table, this.lakeRoot, files, await this.columnsInFiles(table, files))),
    );
  }

  private async firstMissing(keys: readonly string[]): Promise<string | undefined> {
    for (const key of keys) if (!(await this.store.exists(key))) return key;
    return undefined;
  }

  /**
   * Which of the schema's file columns the table's files lack: some of them (written before the column
   * was added: the view reads by name, `union_by_name`, which would otherwise read every footer each time
   * a query binds the view; reading them here costs that once), or all of them (a lake from an earlier
   * chainwatch: the column reads as NULL).
   */
  private async columnsInFiles(table: TableDef, keys: readonly string[]): Promise<ViewFiles> {
    if (keys.length === 0) return {};
    const { fileColumnsOf } = await tables();
    // Outside the try: a path DuckDB cannot read literally is the user's to fix (exit 2), not a DuckDB failure.
    const patterns = listValue(keys.map((k) => literalPattern(resolve(this.lakeRoot, k))));
    try {
      const reader = await this.connection.runAndReadAll(
        'SELECT name, COUNT(DISTINCT file_name) AS files FROM parquet_schema(?) GROUP BY name',
        [patterns],
      );
      const filesWith = new Map(reader.getRowsJS().map(([name, files]) => [String(name), Number(files)]));
      const columns = fileColumnsOf(table).map((c) => c.name);
      return {
        unionByName: columns.some((c) => (filesWith.get(c) ?? 0) < keys.length),
        absent: new Set(columns.filter((c) => !filesWith.has(c))),
      };
    } catch (cause) {
      throw this.fail(`Could not read the Parquet schemas of ${table.name}`, cause);
    }
  }

  async query(sql: string, params: SqlValue[] = []): Promise<QueryResult> {
    const running = this.read(sql, params);
    this.running = running;
    try {
      return await running;
    } finally {
      this.running = undefined;
    }
  }

  /**
   * DuckDB drops an interrupt that comes before the statement starts executing (still being
   * prepared, or queued for a worker thread), so it is repeated until the query call ends.
   */
  interrupt(): void {
    const running = this.running;
    if (!running) return;
    this.connection.interrupt();
    const again = setInterval(() => this.connection.interrupt(), 50);
    running.then(
      () => clearInterval(again),
      () => clearInterval(again),
    );
  }

  private async read(sql: string, params: SqlValue[]): Promise<QueryResult> {
    try {
      await this.viewsFor(sql);
      const statement = this.readOnly ? await this.prepareRead(sql) : await this.connection.prepare(sql);
      bindAll(statement, params);
      const reader = await statement.runAndReadAll();
      const types = reader.columnTypes();
      const columns = reader.columnNames().map((name, i) => ({ name, type: types[i].toString() }));
      const asText = columns.flatMap((c, i) => (TEXT_TYPES.test(c.type) ? [i] : []));
      const raw = asText.length > 0 ? reader.getRows() : [];
      const rows = reader.getRowObjectsJS().map((row, r) => {
        const out = toRow(row);
        for (const i of asText) out[columns[i].name] = raw[r][i] === null ? null : String(raw[r][i]);
        return out;
      });
      return { columns, rows };
    } catch (cause) {
      throw cause instanceof ChainwatchError ? cause : this.fail('Query failed', cause);
    }
  }

  /**
   * Each stream runs on a connection of its own (the views are shared by the instance), so several
   * results can be read side by side, chunk by chunk; the connection closes when the loop ends.
   * The result is first written whole to a Parquet spool file in the session's folder, then read back
   * from it: DuckDB's streaming result ends without an error when the query fails part-way (an
   * out-of-memory error under the session's memory limit ended a report stream silently, and pages went
   * out without their rows), so the query runs whole first, where its error is thrown, and a read that
   * stops short of the rows written fails too. A file, not a TEMP table: a TEMP table's blocks stay in the
   * buffer pool up to the memory limit (a report's page families held 33 MB at 1M trade rows, the whole
   * 64 MB at 10M), a file read back keeps a row group at a time.
   */
  async *stream(sql: string, params: SqlValue[] = []): AsyncGenerator<Row[]> {
    await this.viewsFor(sql);
    const session = await this.instance.connect();
    const file = join(this.workDir, `stream-${this.spools++}.parquet`);
    try {
      const query = this.readOnly ? await this.prepareRead(sql, session) : await session.prepare(statementBody(sql));
      const asText = Array.from({ length: query.columnCount }, (_, i) => i)
        .filter((i) => SPOOLED_AS_TEXT.has(query.columnTypeId(i)))
        .map((i) => ({ name: sqlIdent(query.columnName(i)), type: query.columnType(i).toString() }));
      query.destroySync();
      // Only a result with such a column is wrapped (the result's own ORDER BY is then a subquery's, which
      // DuckDB keeps in order; a page family checks its order as it reads).
      const result = asText.length
        ? `${selectCasting(asText, 'VARCHAR')} FROM (\n${statementBody(sql)}\n)`
        : statementBody(sql);
      const write = await session.prepare(
        `COPY (\n${result}\n) TO ${sqlString(file)} (FORMAT parquet, ROW_GROUP_SIZE ${PARQUET_ROW_GROUP_ROWS})`,
      );
      bindAll(write, params);
      const written = Number((await write.runAndReadAll()).getRowsJS()[0]?.[0] ?? 0);
      const readBack = `${selectCasting(asText)} FROM read_parquet(${sqlString(file)})`;
      let read = 0;
      for await (const chunk of (await session.stream(readBack)).yieldRowObjectJs()) {
        read += chunk.length;
        yield chunk.map(toRow);
      }
      if (read !== written)
        throw new QueryError(
          `Query failed: DuckDB returned ${read} of the ${written} rows of the result`,
          `DuckDB stopped part-way, most often out of memory. ${REPORT_MEMORY_HINT}`,
        );
    } catch (cause) {
      throw cause instanceof ChainwatchError ? cause : this.fail('Query failed', cause);
    } finally {
      session.closeSync();
      await rm(file, { force: true });
    }
  }

  async materialize(
    table: string,
    selectSql: string,
    params: SqlValue[] = [],
    carry: readonly string[] = [],
  ): Promise<{ rows: number }> {
    if (this.readOnly) throw notARead(`a write of the metric table ${table}`);
    const { tableByName, publishMetricVersion } = await tables();
    const def = tableByName(table);
    if (def?.zone !== 'metrics') {
      throw new QueryError(
        `"${table}" is not a metric table`,
        'Declare the table in data-schemas/metrics.ts before materializing it.',
      );
    }
    const body = statementBody(selectSql);
    let rows = 0;
    const copyTo = async (file: string): Promise<void> => {
      try {
        // The newline before ")" ends a trailing "-- comment" in the SQL file.
        const copy = await this.connection.prepare(`COPY (\n${body}\n) TO ${sqlString(file)} (FORMAT parquet)`);
        bindAll(copy, params);
        rows = Number((await copy.run()).rowsChanged);
      } catch (cause) {
        throw cause instanceof ChainwatchError ? cause : this.fail(`Could not materialize ${table}`, cause);
      }
    };
    await this.viewsFor(body);
    await this.checkColumns(def, body, params);
    const published = await publishMetricVersion(
      this.store,
      def,
      async (prefix) => {
        const key = prefix + PART_FILE;
        if (this.store.putWith) await this.store.putWith(key, copyTo);
        else await this.putThroughTempFile(key, copyTo);
        return { rows, keys: [key] };
      },
      carry,
    );
    // Later metric SQL of this run reads the new version.
    await this.refreshViews([def]);
    return { rows: published.rows };
  }

  /** DuckDB writes the file itself (COPY … TO), into the store's temp file that is then moved in place. */
  async writeFile(
    selectSql: string,
    params: SqlValue[],
    { out, key, format, metadata = {} }: FileTarget,
  ): Promise<{ rows: number; bytes: number }> {
    if (this.readOnly) throw notARead(`a write of ${key}`);
    const putWith = out.putWith?.bind(out);
    if (!putWith)
      throw new QueryError(
        `DuckDB cannot write ${key} into ${out.location}: the store keeps no local files`,
        'Write into a folder store (the site is built in a folder), then publish the folder.',
      );
    const kv = Object.entries(metadata).map(([k, v]) => `${sqlString(k)}: ${sqlString(v)}`);
    const options =
      format === 'csv'
        ? `FORMAT csv, HEADER true, NEW_LINE '\\r\\n'`
        : `FORMAT parquet, ROW_GROUP_SIZE ${PARQUET_ROW_GROUP_ROWS}${kv.length ? `, KV_METADATA {${kv.join(', ')}}` : ''}`;
    await this.viewsFor(selectSql);
    let result = { rows: 0, bytes: 0 };
    await putWith(key, async (file) => {
      try {
        const copy = await this.connection.prepare(
          `COPY (\n${statementBody(selectSql)}\n) TO ${sqlString(file)} (${options})`,
        );
        bindAll(copy, params);
        const rows = Number((await copy.run()).rowsChanged);
        result = { rows, bytes: (await stat(file)).size };
      } catch (cause) {
        throw cause instanceof ChainwatchError ? cause : this.fail(`Could not write ${key}`, cause);
      }
    });
    return result;
  }

  /** For a store without local files (S3): COPY to a temp file in the session's folder, then put its bytes. */
  private async putThroughTempFile(key: string, copyTo: (file: string) => Promise<void>): Promise<void> {
    const dir = await mkdtemp(join(this.workDir, 'put-'));
    try {
      const file = join(dir, PART_FILE);
      await copyTo(file);
      await this.store.put(key, await readBytes(file), (await tables()).PARQUET_CONTENT_TYPE);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** The SELECT must yield exactly the schema's columns, in order, with the declared types. */
  private async checkColumns(def: TableDef, body: string, params: readonly SqlValue[]): Promise<void> {
    const { allTables, columnsOf, DUCKDB_TYPE, emptyTempViewDdl } = await tables();
    let actual: string[];
    try {
      this.typeViews ??= (async () => {
        for (const table of allTables) await this.typeChecker.run(emptyTempViewDdl(table));
      })();
      await this.typeViews;
      const statement = await this.typeChecker.prepare(body);
      bindAll(statement, params);
      actual = Array.from(
        { length: statement.columnCount },
        (_, i) => `${statement.columnName(i)} ${statement.columnType(i)}`,
      );
    } catch (cause) {
      throw cause instanceof ChainwatchError ? cause : this.fail(`Could not materialize ${def.name}`, cause);
    }
    const expected = columnsOf(def).map((c) => `${c.name} ${DUCKDB_TYPE[c.type]}`);
    if (actual.join(', ') !== expected.join(', ')) {
      throw new QueryError(
        `The SQL for ${def.name} yields (${actual.join(', ')}), but the schema declares (${expected.join(', ')})`,
        `Select exactly the columns of ${def.name} in data-schemas/metrics.ts, each CAST to its declared type.`,
      );
    }
  }

  private async run(sql: string): Promise<void> {
    try {
      await this.connection.run(sql);
    } catch (cause) {
      throw this.fail('DuckDB statement failed', cause);
    }
  }

  private fail(what: string, cause: unknown): QueryError {
    const message = (cause as Error)?.message ?? String(cause);
    return new QueryError(`${what}: ${message}`, hintFor(message), { cause });
  }

  async close(): Promise<void> {
    this.typeChecker.closeSync();
    this.connection.closeSync();
    this.instance.closeSync();
    await rm(this.workDir, { recursive: true, force: true });
  }
}
