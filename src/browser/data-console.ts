/**
 * The Data page's SQL console, in the reader's browser: DuckDB compiled to WebAssembly (DuckDB-WASM)
 * over this release's Parquet files, each loaded as a table with its lake name, so the SQL of
 * `chainwatch query` runs here unchanged. Everything it loads is on the site: this script, DuckDB's
 * worker and WebAssembly beside it (src/core/report/console-files.ts copies them once per site), the
 * Parquet files beside the page. DuckDB (tens of MB) loads on the first Run, not with the page, and a
 * table the first time a statement names it. Bundled into one classic script by scripts/build.mjs; the
 * page loads it deferred.
 */
import * as duckdb from '@duckdb/duckdb-wasm';
import * as arrow from 'apache-arrow';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';

type Connection = duckdb.AsyncDuckDBConnection;
type ArrowTable = Awaited<ReturnType<Connection['query']>>;

/** Rows drawn on the page; the count says how many the query returned. */
const SHOWN_ROWS = 1000;
/** Table names come from the page; they are lake table names, never anything to quote around. */
const TABLE_NAME = /^[a-z][a-z0-9_]*$/;

const script = document.currentScript as HTMLScriptElement;
const here = new URL('.', script.src);
/**
 * DuckDB's build with WebAssembly exceptions, the only one the site ships: every browser that honours the
 * page's CSP ('wasm-unsafe-eval') runs it (scripts/build.mjs).
 */
const BUNDLE = {
  mainModule: new URL('duckdb-eh.wasm', here).href,
  mainWorker: new URL('duckdb-browser-eh.worker.js', here).href,
};

interface Elements {
  form: HTMLFormElement;
  sql: HTMLTextAreaElement;
  examples: HTMLSelectElement;
  run: HTMLButtonElement;
  status: HTMLElement;
  result: HTMLElement;
}

function elements(): Elements | undefined {
  const byId = (id: string) => document.getElementById(id);
  const form = byId('sql-console');
  if (!(form instanceof HTMLFormElement)) return undefined;
  return {
    form,
    sql: byId('sql-text') as HTMLTextAreaElement,
    examples: byId('sql-example') as HTMLSelectElement,
    run: byId('sql-run') as HTMLButtonElement,
    status: byId('sql-status') as HTMLElement,
    result: byId('sql-result') as HTMLElement,
  };
}

/** The tables the page lists: name and the URL of its Parquet file. */
function tablesOnPage(): Map<string, string> {
  const tables = new Map<string, string>();
  for (const el of document.querySelectorAll<HTMLElement>('[data-table][data-parquet]')) {
    const name = el.dataset.table ?? '';
    if (!TABLE_NAME.test(name)) throw new Error(`The page lists a table named "${name}", which is not a table name`);
    tables.set(name, new URL(el.dataset.parquet ?? '', document.baseURI).href);
  }
  return tables;
}

/** Bits set where a value is present (Arrow's validity bitmap), and how many are missing. */
function validity(values: readonly unknown[]): { nullBitmap: Uint8Array; nullCount: number } {
  const nullBitmap = new Uint8Array(Math.ceil(values.length / 8));
  let nullCount = 0;
  values.forEach((v, i) => {
    if (v === null || v === undefined) nullCount++;
    else nullBitmap[i >> 3] |= 1 << (i & 7);
  });
  return { nullBitmap, nullCount };
}

/**
 * One column as Arrow data, its buffers laid out here: Arrow's own builders compile a function from a
 * string (new Function), which the CSP rightly refuses.
 */
function arrowColumn(physicalType: string | undefined, values: readonly unknown[]): arrow.Data {
  const length = values.length;
  const valid = validity(values);
  switch (physicalType) {
    case 'INT32':
      return arrow.makeData({
        type: new arrow.Int32(),
        length,
        ...valid,
        data: Int32Array.from(values, (v) => Number(v ?? 0)),
      });
    case 'INT64':
      return arrow.makeData({
        type: new arrow.Int64(),
        length,
        ...valid,
        data: BigInt64Array.from(values, (v) => BigInt((v as bigint | number | null) ?? 0)),
      });
    case 'DOUBLE':
      return arrow.makeData({
        type: new arrow.Float64(),
        length,
        ...valid,
        data: Float64Array.from(values, (v) => Number(v ?? 0)),
      });
    case 'BOOLEAN': {
      const data = new Uint8Array(Math.ceil(length / 8));
      values.forEach((v, i) => {
        if (v === true) data[i >> 3] |= 1 << (i & 7);
      });
      return arrow.makeData({ type: new arrow.Bool(), length, ...valid, data });
    }
    case 'BYTE_ARRAY': {
      const encoder = new TextEncoder();
      const encoded = values.map((v) => encoder.encode(v === null || v === undefined ? '' : String(v)));
      const valueOffsets = new Int32Array(length + 1);
      encoded.forEach((bytes, i) => {
        valueOffsets[i + 1] = valueOffsets[i] + bytes.length;
      });
      const data = new Uint8Array(valueOffsets[length]);
      for (const [i, bytes] of encoded.entries()) data.set(bytes, valueOffsets[i]);
      return arrow.makeData({ type: new arrow.Utf8(), length, ...valid, valueOffsets, data });
    }
    default:
      throw new Error(`Parquet type ${physicalType} is not one the report writes (src/core/lake/parquet.ts)`);
  }
}

/**
 * One table's Parquet file as an Arrow table with the file's column types. DuckDB-WASM has no Parquet
 * reader built in (it would fetch its parquet extension from DuckDB's servers), so hyparquet reads
 * the file here and DuckDB gets the columns as Arrow: the same types as the lake's views.
 */
async function readTable(url: string): Promise<arrow.Table> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`Could not read ${url}: HTTP ${response.status}`);
  const file = await response.arrayBuffer();
  const metadata = parquetMetadata(file);
  const rows = await parquetReadObjects({ file, metadata });
  const columns: Record<string, arrow.Vector> = {};
  for (const element of metadata.schema.slice(1))
    columns[element.name] = arrow.makeVector(
      arrowColumn(
        element.type,
        rows.map((r) => r[element.name]),
      ),
    );
  return new arrow.Table(columns);
}

/** The tables a statement names, as whole words: each is loaded the first time a statement needs it. */
const namedIn = (sql: string, tables: Iterable<string>): string[] =>
  [...tables].filter((name) => new RegExp(`\\b${name}\\b`, 'i').test(sql));

/** Start DuckDB in its worker, configured as `chainwatch query` configures it. */
async function openDatabase(): Promise<Connection> {
  const worker = new Worker(BUNDLE.mainWorker);
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  await db.instantiate(BUNDLE.mainModule);
  await db.open({ query: { castBigIntToDouble: false, castDecimalToDouble: true } });
  const connection = await db.connect();
  // Never fetch an extension (the CSP would refuse it anyway), and divide integers as Athena does.
  await connection.query('SET autoinstall_known_extensions = false');
  await connection.query('SET autoload_known_extensions = false');
  await connection.query('SET integer_division = true');
  return connection;
}

/** Load into DuckDB, under its lake name, each table the statement names that is not loaded yet. */
async function loadTables(connection: Connection, sql: string, loaded: Set<string>, status: HTMLElement) {
  const tables = tablesOnPage();
  for (const name of namedIn(sql, tables.keys())) {
    if (loaded.has(name)) continue;
    status.textContent = `Loading ${name}…`;
    await connection.insertArrowTable(await readTable(tables.get(name)!), { name, create: true });
    loaded.add(name);
  }
}

/** A cell as text: numbers in full precision, dates as ISO dates, NULL shown as such. */
function cellText(value: unknown, type: string): string {
  if (value === null || value === undefined) return 'NULL';
  if (type.startsWith('Date') && typeof value === 'number') return new Date(value).toISOString().slice(0, 10);
  if (type.startsWith('Timestamp') && typeof value === 'number') return new Date(value).toISOString();
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  if (typeof value === 'object') return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
  return String(value);
}

function resultTable(table: ArrowTable): HTMLTableElement {
  const fields = table.schema.fields;
  const out = document.createElement('table');
  const head = out.createTHead().insertRow();
  for (const field of fields) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = field.name;
    head.append(th);
  }
  const body = out.createTBody();
  const columns = fields.map((_f, i) => table.getChildAt(i));
  const types = fields.map((f) => String(f.type));
  for (let r = 0; r < Math.min(table.numRows, SHOWN_ROWS); r++) {
    const row = body.insertRow();
    columns.forEach((column, i) => {
      const value: unknown = column?.get(r);
      const cell = row.insertCell();
      cell.textContent = cellText(value, types[i]);
      if (value === null || value === undefined) cell.className = 'null';
    });
  }
  return out;
}

function start(ui: Elements): void {
  if (location.protocol === 'file:') {
    ui.status.textContent =
      'The SQL console runs where the site is served over HTTP (the published site, or chainwatch serve); the downloads below work here too.';
    return;
  }
  let connection: Promise<Connection> | undefined;
  const loaded = new Set<string>();
  ui.examples.addEventListener('change', () => {
    const option = ui.examples.selectedOptions[0];
    if (option?.dataset.sql) ui.sql.value = option.dataset.sql;
  });
  ui.form.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      ui.run.disabled = true;
      ui.form.setAttribute('aria-busy', 'true');
      try {
        if (!connection) {
          ui.status.textContent = 'Loading DuckDB (once per visit)…';
          connection = openDatabase();
          connection.catch(() => {
            connection = undefined;
          });
        }
        const db = await connection;
        await loadTables(db, ui.sql.value, loaded, ui.status);
        ui.status.textContent = 'Running…';
        const started = performance.now();
        const table = await db.query(ui.sql.value);
        const seconds = ((performance.now() - started) / 1000).toFixed(2);
        const shown = table.numRows > SHOWN_ROWS ? `; the first ${SHOWN_ROWS} are shown` : '';
        ui.status.textContent = `${table.numRows} row${table.numRows === 1 ? '' : 's'} in ${seconds} s${shown}.`;
        ui.result.replaceChildren(resultTable(table));
      } catch (error) {
        ui.status.textContent = `Error: ${(error as Error).message}`;
        ui.result.replaceChildren();
      } finally {
        ui.run.disabled = false;
        ui.form.removeAttribute('aria-busy');
      }
    })();
  });
  ui.run.disabled = false;
  ui.status.textContent = 'Ready: DuckDB loads on the first Run.';
}

const ui = elements();
if (ui) start(ui);
