import { createWriteStream, type WriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { ParquetWriter, schemaFromColumnData } from 'hyparquet-writer';
import { fileWriter } from 'hyparquet-writer/src/node.js';
import { allTables } from '../../../data-schemas/index.ts';
import { columnsOf, type Column, type TableDef } from '../../../data-schemas/table.ts';
import { ChainwatchError } from '../errors.ts';
import { PARQUET_TYPE } from '../lake/parquet.ts';
import type { ObjectStore } from '../seams/object-store.ts';
import type { QueryEngine, Row } from '../seams/query-engine.ts';
import { csvTextSql, SPREADSHEET_MAX_ROWS } from '../spreadsheet.ts';
import { csvLine } from './csv.ts';
import { paths } from './paths.ts';

/** A table could not be published on the Data page. */
class TableFileError extends ChainwatchError {}

/** A table as the Data page lists it: what the engine answered for it and the files it was written to. */
export interface PublishedTable {
  name: string;
  description: string;
  zone: TableDef['zone'];
  /** The engine's columns, in its order, with the schema's description of each. */
  columns: { name: string; type: string; description: string }[];
  rows: number;
  /** The files' sizes; `csv` null when the table has more rows than a spreadsheet opens (Parquet only). */
  bytes: { parquet: number; csv: number | null };
}

/** Rows per Parquet row group: the engine hands over small batches; a reader skips by row group. */
const ROW_GROUP_ROWS = 100_000;

/**
 * One table's rows as a Parquet and a CSV file, written batch by batch as the engine streams them: memory
 * holds a row group, never the table. Parquet columns have the schema's types (the lake views cast every
 * column to them), so the browser's DuckDB reads the same types as `chainwatch query`.
 */
class TableWriter {
  private readonly parquet: ParquetWriter;
  private readonly csv: WriteStream | undefined;
  private pending: Row[] = [];
  rows = 0;

  constructor(
    private readonly columns: readonly Column[],
    parquetPath: string,
    csvPath: string | undefined,
    metadata: Record<string, string>,
  ) {
    this.parquet = new ParquetWriter({
      writer: fileWriter(parquetPath),
      schema: schemaFromColumnData({ columnData: this.columnData([]) }),
      kvMetadata: Object.entries(metadata).map(([key, value]) => ({ key, value })),
      createdBy: 'chainwatch',
    });
    this.csv = csvPath === undefined ? undefined : createWriteStream(csvPath);
    this.csv?.write(csvLine(columns.map((c) => c.name)));
  }

  private columnData(rows: readonly Row[]) {
    return this.columns.map((c) => ({
      name: c.name,
      type: PARQUET_TYPE[c.type],
      nullable: true,
      data: rows.map((r) => {
        const v = r[c.name] ?? null;
        return c.type === 'bigint' && v !== null ? BigInt(v as number) : v;
      }),
    }));
  }

  async add(batch: readonly Row[]): Promise<void> {
    this.rows += batch.length;
    this.pending.push(...batch);
    const csv = this.csv;
    if (csv) {
      const text = batch.map((r) => csvLine(this.columns.map((c) => r[c.name]))).join('');
      if (!csv.write(text)) await new Promise<void>((ok) => csv.once('drain', () => ok()));
    }
    if (this.pending.length >= ROW_GROUP_ROWS) this.flushRowGroup();
  }

  private flushRowGroup(): void {
    if (this.pending.length === 0) return;
    this.parquet.write({ columnData: this.columnData(this.pending), rowGroupSize: this.pending.length });
    this.pending = [];
  }

  async finish(): Promise<void> {
    this.flushRowGroup();
    this.parquet.finish();
    if (this.csv) {
      this.csv.end();
      await finished(this.csv);
    }
  }
}

/** Every column in order, for a result both engines return in the same order: `ORDER BY 1, 2, …`. */
const orderByAll = (count: number): string => Array.from({ length: count }, (_, i) => i + 1).join(', ');

const sizeOf = async (path: string): Promise<number> => (await stat(path)).size;

/**
 * Publish one table at `tables/<name>.parquet` and, when a spreadsheet can open it (at most `csvMaxRows`
 * rows), `.csv` under `mount` (the release folder): the engine
 * says which columns the table has (`LIMIT 0`) and writes every row in a fixed order, so the same lake
 * writes the same bytes: itself when it can (DuckDB's COPY, no row passes through this process), or
 * streamed through here batch by batch (Athena). `out` must write local files (a folder store: the site is built in a folder
 * locally and in the report Lambda's /tmp).
 */
async function publishTable(
  engine: QueryEngine,
  out: ObjectStore,
  table: TableDef,
  mount: string,
  metadata: Record<string, string>,
  csvMaxRows: number,
): Promise<PublishedTable> {
  const putWith = out.putWith?.bind(out);
  if (!putWith)
    throw new TableFileError(
      `The site store ${out.location} cannot write a local file, which the Data page's tables need`,
      'Build the site into a folder (the CLI and the report Lambda do), then publish that folder.',
    );
  const schema = new Map(columnsOf(table).map((c) => [c.name, c]));
  const { columns: engineColumns } = await engine.query(`SELECT * FROM ${table.name} LIMIT 0`);
  const columns = engineColumns.map((c) => {
    const column = schema.get(c.name);
    if (!column)
      throw new TableFileError(
        `The engine's ${table.name} has a column "${c.name}" that data-schemas/ does not declare`,
        'Recreate the table (chainwatch run) so it matches its schema.',
      );
    return column;
  });
  const [parquetKey, csvKey] = [mount + paths.table(table.name, 'parquet'), mount + paths.table(table.name, 'csv')];
  const names = columns.map((c) => `"${c.name}"`);
  const select = (list: readonly string[]) => `SELECT ${list.join(', ')} FROM ${table.name}`;
  const fileMetadata = { ...metadata, 'chainwatch.table': table.name };
  const { rows, bytes } = engine.writeFile
    ? await engineWrites(engine.writeFile.bind(engine))
    : await streamThrough(putWith);

  /**
   * The engine writes both files itself, text cells defused in SQL as `csvField` defuses them. Rows in the
   * order the engine scans the lake's files (a sort of a whole table would hold it in the engine's memory):
   * fixed for the same files, as DuckDB keeps a scan's order when writing.
   */
  async function engineWrites(write: NonNullable<QueryEngine['writeFile']>) {
    const parquet = await write(select(names), [], {
      out,
      key: parquetKey,
      format: 'parquet',
      metadata: fileMetadata,
    });
    if (parquet.rows > csvMaxRows) return { rows: parquet.rows, bytes: { parquet: parquet.bytes, csv: null } };
    const csvColumns = columns.map((c, i) =>
      c.type === 'string' ? `${csvTextSql(names[i])} AS ${names[i]}` : names[i],
    );
    const csv = await write(select(csvColumns), [], { out, key: csvKey, format: 'csv' });
    return { rows: parquet.rows, bytes: { parquet: parquet.bytes, csv: csv.bytes } };
  }

  /** An engine that cannot write files (Athena) streams the rows into both files here, a batch at a time, sorted (Athena's order is not fixed). */
  async function streamThrough(put: NonNullable<ObjectStore['putWith']>) {
    // Counted first: whether a spreadsheet could open the CSV decides whether it is written at all.
    const counted = Number((await engine.query(`SELECT COUNT(*) AS n FROM ${table.name}`)).rows[0].n);
    const bytes: PublishedTable['bytes'] = { parquet: 0, csv: null };
    let rows = 0;
    const write = async (parquetPath: string, csvPath?: string) => {
      const writer = new TableWriter(columns, parquetPath, csvPath, fileMetadata);
      for await (const batch of engine.stream(`${select(names)} ORDER BY ${orderByAll(columns.length)}`))
        await writer.add(batch);
      await writer.finish();
      rows = writer.rows;
      bytes.parquet = await sizeOf(parquetPath);
      if (csvPath) bytes.csv = await sizeOf(csvPath);
    };
    await put(parquetKey, (parquetPath) =>
      counted > csvMaxRows ? write(parquetPath) : put(csvKey, (csvPath) => write(parquetPath, csvPath)),
    );
    return { rows, bytes };
  }
  return {
    name: table.name,
    description: table.description,
    zone: table.zone,
    columns: engineColumns.map((c) => ({ name: c.name, type: c.type, description: schema.get(c.name)!.description })),
    rows,
    bytes,
  };
}

/**
 * Every lake table (the Glue tables, the views `chainwatch query` reads) as Parquet and CSV in the
 * release folder `mount`, one table at a time; the other copies of the release get theirs by `copy`.
 * A table of more than `csvMaxRows` rows (default: what a spreadsheet opens below its header row) is
 * offered as Parquet only: its CSV would open cut off, and writing it was most of a large build's table time.
 */
export async function publishTables(
  engine: QueryEngine,
  out: ObjectStore,
  mount: string,
  otherMounts: readonly string[],
  metadata: Record<string, string>,
  csvMaxRows = SPREADSHEET_MAX_ROWS - 1,
): Promise<PublishedTable[]> {
  const published: PublishedTable[] = [];
  for (const table of allTables) {
    const done = await publishTable(engine, out, table, mount, metadata, csvMaxRows);
    published.push(done);
    for (const ext of done.bytes.csv === null ? (['parquet'] as const) : (['parquet', 'csv'] as const))
      for (const other of otherMounts)
        await out.copy(mount + paths.table(table.name, ext), other + paths.table(table.name, ext));
  }
  return published;
}
