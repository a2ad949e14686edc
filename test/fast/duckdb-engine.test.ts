import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { allTables, tableByName } from '../../data-schemas/index.ts';
import { columnsOf } from '../../data-schemas/table.ts';
import { DuckDBQueryEngine } from '../../src/adapters/duckdb-engine/duckdb-engine.ts';
import { allViewsDdl, viewDdl } from '../../src/adapters/duckdb-engine/duckdb-views.ts';
import { literalPattern } from '../../src/adapters/duckdb-engine/sql-literals.ts';
import { currentMetricVersion } from '../../src/core/lake/metric-versions.ts';
import { QueryError, UsageError } from '../../src/core/errors.ts';
import { orderBy, writePartitions } from '../../src/core/lake/partitions.ts';
import type { ObjectStore } from '../../src/core/seams/object-store.ts';
import { fixtureLake, referenceCountries, tradeRows, type FixtureLake } from '../support/metrics-fixtures.ts';

/** The DuckDB type name each schema column type must come back as (what Glue declares on Athena). */
const EXPECTED_TYPE = {
  string: 'VARCHAR',
  int: 'INTEGER',
  bigint: 'BIGINT',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
} as const;

describe('view DDL (pure)', () => {
  test('a partitioned table reads its Hive folders with declared partition types and casts every column', () => {
    const ddl = viewDdl(tableByName('trade_flows')!, '/lake', ['any']);
    expect(ddl).toContain('CREATE OR REPLACE VIEW "trade_flows"');
    expect(ddl).toContain("read_parquet('/lake/curated/trade_flows/**/*.parquet'");
    expect(ddl).toContain("hive_types = {'source': VARCHAR, 'year': INTEGER, 'month': INTEGER}");
    expect(ddl).toContain('union_by_name = true');
    for (const c of columnsOf(tableByName('trade_flows')!)) {
      expect(ddl).toContain(`CAST("${c.name}" AS ${EXPECTED_TYPE[c.type]}) AS "${c.name}"`);
    }
    // a reader that knows every file has every column reads them without union_by_name
    const plain = viewDdl(tableByName('trade_flows')!, '/lake', ['any'], { unionByName: false });
    expect(plain).not.toContain('union_by_name');
    expect(plain).toContain("hive_types = {'source': VARCHAR, 'year': INTEGER, 'month': INTEGER})");
  });

  test('a metric table reads exactly the files of its current version; a table without files gets an empty typed view', () => {
    const table = tableByName('concentration')!;
    const current = viewDdl(table, '/lake', ['metrics/concentration/v=3/part-00000.parquet']);
    expect(current).not.toContain('hive');
    expect(current).toContain("read_parquet(['/lake/metrics/concentration/v=3/part-00000.parquet']");
    const empty = viewDdl(table, '/lake', []);
    expect(empty).not.toContain('read_parquet');
    expect(empty).toContain('CAST(NULL AS DOUBLE) AS "hhi"');
    expect(empty).toContain('WHERE false');
  });

  test('a lake path is a file pattern that matches only itself: glob characters in one-character classes', () => {
    expect(literalPattern('/runs/lake[1]/x*y?/{a,b}')).toBe('/runs/lake[[]1]/x[*]y[?]/[{]a,b[}]');
    expect(viewDdl(tableByName('trade_flows')!, '/runs/lake[1]', ['any'])).toContain(
      "read_parquet('/runs/lake[[]1]/curated/trade_flows/**/*.parquet'",
    );
    // A metric table's view names the files of its current version: each one a pattern of itself too.
    expect(
      viewDdl(tableByName('supplier_shares')!, '/runs/lake[1]', ['metrics/supplier_shares/v=2/part-0.parquet']),
    ).toContain("read_parquet(['/runs/lake[[]1]/metrics/supplier_shares/v=2/part-0.parquet']");
    // DuckDB cannot match a backslash literally: refused with what to do, never read approximately.
    expect(() => literalPattern('/runs/a\\b')).toThrow(UsageError);
  });

  test('allViewsDdl has one view per table and quotes a path with a quote in it', () => {
    const ddl = allViewsDdl("/it's/lake", () => ['any']);
    expect(ddl.match(/CREATE OR REPLACE VIEW/g)).toHaveLength(allTables.length);
    expect(ddl).toContain("'/it''s/lake/curated/production/**/*.parquet'");
  });
});

describe('DuckDBQueryEngine', () => {
  let lake: FixtureLake;
  beforeAll(async () => {
    const ref = await referenceCountries();
    lake = await fixtureLake({
      countries: ref,
      trade: [
        ...tradeRows(ref, { year: 2023, hs6: '854231' }, { '156': 60, '392': 40 }),
        ...tradeRows(ref, { year: 2024, hs6: '854231' }, { '156': 70, '490': 30 }),
      ],
    });
  });
  afterAll(() => lake.close());

  test('every table is a view with the schema columns and types, also tables without files yet', async () => {
    for (const table of allTables) {
      const { rows } = await lake.engine.query(
        'SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position',
        [table.name],
      );
      expect(rows, table.name).toEqual(
        columnsOf(table).map((c) => ({ column_name: c.name, data_type: EXPECTED_TYPE[c.type] })),
      );
    }
    expect((await lake.engine.query('SELECT COUNT(*) AS n FROM supplier_shares')).rows).toEqual([{ n: 0 }]);
  });

  test('a session with a memory limit keeps no cache of the files it read (the cache would fill the limit) and hands back what it frees', async () => {
    const setting = async (engine: DuckDBQueryEngine, name = 'enable_external_file_cache') =>
      (await engine.query(`SELECT current_setting('${name}') AS value`)).rows[0].value;
    const trimAfter = 'allocator_bulk_deallocation_flush_threshold';
    const capped = await DuckDBQueryEngine.create({ lakeRoot: lake.root, store: lake.store, memoryLimit: '64MB' });
    try {
      expect(await setting(capped)).toBe(false);
      expect((await capped.query("SELECT current_setting('memory_limit') AS m")).rows[0].m).toBe('61.0 MiB');
      // Past 8 MB freed at once DuckDB calls malloc_trim; its default (512 MB) is out of a capped session's reach.
      expect(await setting(capped, trimAfter)).toBe('7.6 MiB');
    } finally {
      await capped.close();
    }
    expect(await setting(lake.engine as DuckDBQueryEngine)).toBe(true);
    expect(await setting(lake.engine as DuckDBQueryEngine, trimAfter)).toBe('512.0 MiB');
  });

  test('partition columns come back typed from the folder names', async () => {
    const { rows, columns } = await lake.engine.query(
      'SELECT source, year, month, COUNT(*) AS n FROM trade_flows GROUP BY source, year, month ORDER BY year',
    );
    expect(rows).toEqual([
      { source: 'bundled', year: 2023, month: 0, n: 2 },
      { source: 'bundled', year: 2024, month: 0, n: 2 },
    ]);
    expect(columns.map((c) => c.type)).toEqual(['VARCHAR', 'INTEGER', 'INTEGER', 'BIGINT']);
  });

  test('bound parameters of each JS type; sums and decimals come back as numbers', async () => {
    const { rows, columns } = await lake.engine.query(
      'SELECT SUM(value_usd) AS total, SUM(year) AS years, 2.5 AS dec FROM trade_flows WHERE hs6 = ? AND year >= ? AND NOT is_suppressed = ? AND value_usd > ?',
      ['854231', 2024, true, 0.5],
    );
    expect(rows).toEqual([{ total: 100, years: 4048, dec: 2.5 }]);
    expect(columns.map((c) => c.name)).toEqual(['total', 'years', 'dec']);
    expect(columns[1].type).toBe('HUGEINT');
  });

  test('int / int truncates as on Trino', async () => {
    expect((await lake.engine.query('SELECT 7 / 2 AS q')).rows).toEqual([{ q: 3 }]);
  });

  test('a value with quotes or SQL in it is only ever a value', async () => {
    for (const hostile of ["854231' OR '1'='1", "'; DROP TABLE trade_flows; --", 'x"; DROP VIEW trade_flows; --']) {
      const { rows } = await lake.engine.query('SELECT * FROM trade_flows WHERE hs6 = ?', [hostile]);
      expect(rows, hostile).toHaveLength(0);
    }
    expect((await lake.engine.query('SELECT COUNT(*) AS n FROM trade_flows')).rows).toEqual([{ n: 4 }]);
  });

  test('errors are QueryErrors with the DuckDB message and a hint', async () => {
    const cases: [string, unknown[], RegExp, RegExp][] = [
      ['SELECT * FROM no_such_table', [], /no_such_table/, /trade_flows/],
      ['SELEC 1', [], /syntax error/, /Trino/],
      ['SELECT no_such_column FROM trade_flows', [], /no_such_column/, /data-schemas/],
      ['SELECT * FROM trade_flows WHERE hs6 = ?', [], /1 \? placeholders but 0 values/, /each \? placeholder/],
    ];
    for (const [sql, params, message, hint] of cases) {
      const error = await lake.engine.query(sql, params as never).catch((e: unknown) => e);
      expect(error, sql).toBeInstanceOf(QueryError);
      expect((error as QueryError).message, sql).toMatch(message);
      expect((error as QueryError).hint, sql).toMatch(hint);
    }
  });

  test('stream yields a result chunk by chunk, several streams side by side, each on its own session', async () => {
    const sql = 'SELECT i, i / 2 AS half FROM range(?) t(i) ORDER BY i';
    const [a, b] = [lake.engine.stream(sql, [5000]), lake.engine.stream(sql, [3])].map((s) =>
      s[Symbol.asyncIterator](),
    );
    const first = await a.next();
    const other = [];
    for (let next = await b.next(); !next.done; next = await b.next()) other.push(...next.value);
    // The second stream ran to the end while the first was still open; int / int truncates on every session.
    expect(other).toEqual([
      { i: 0, half: 0 },
      { i: 1, half: 0 },
      { i: 2, half: 1 },
    ]);
    const rows = [...(first.value as unknown[])];
    let batches = 1;
    for (let next = await a.next(); !next.done; next = await a.next(), batches++) rows.push(...next.value);
    expect(rows).toHaveLength(5000);
    expect(rows[4999]).toEqual({ i: 4999, half: 2499 });
    // DuckDB hands over 2048-row chunks: the caller never held more than one.
    expect(batches).toBe(3);
  });

  test('a stream can be left early, and a failing one throws a QueryError with a hint', async () => {
    for await (const batch of lake.engine.stream('SELECT * FROM trade_flows')) {
      expect(batch.length).toBeGreaterThan(0);
      break;
    }
    const bad = lake.engine.stream('SELECT no_such_column FROM trade_flows');
    const error = await bad[Symbol.asyncIterator]()
      .next()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryError);
    expect((error as QueryError).hint).toMatch(/data-schemas/);
    expect((await lake.engine.query('SELECT COUNT(*) AS n FROM trade_flows')).rows).toEqual([{ n: 4 }]);
  });

  test('a query that fails part-way fails its stream, never ends it early with the rows so far', async () => {
    // DuckDB's own streaming result hands over ~2.9 M of these rows and then ends as if the result were whole.
    const sql =
      "SELECT CASE WHEN i < 3000000 THEN i ELSE error('failed at row 3,000,000') END AS i FROM range(6000000) t(i)";
    let rows = 0;
    const error = await (async () => {
      for await (const batch of lake.engine.stream(sql)) rows += batch.length;
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryError);
    expect((error as QueryError).message).toMatch(/failed at row 3,000,000/);
    expect(rows).toBe(0);
  });

  test('a stream holds its stored result in a file, not in the memory limit, exact in every type, and leaves no file', async () => {
    const capped = await DuckDBQueryEngine.create({ lakeRoot: lake.root, store: lake.store, memoryLimit: '64MB' });
    try {
      const folder = String((await capped.query("SELECT current_setting('temp_directory') AS d")).rows[0].d);
      const spooled = async () =>
        (await capped.query(`SELECT COUNT(*) AS n FROM glob(${`'${folder}/*'`})`)).rows[0].n as number;
      const held = async () =>
        (await capped.query("SELECT SUM(memory_usage_bytes) AS b FROM duckdb_memory() WHERE tag = 'IN_MEMORY_TABLE'"))
          .rows[0].b as number;
      // ~40 MB of result: as a TEMP table it took most of the 64 MB limit while it was read.
      const sql = "SELECT i, repeat('x', 100) || i AS s FROM range(?) t(i) ORDER BY i DESC";
      let rows = 0;
      let inOrder = true;
      for await (const batch of capped.stream(sql, [400_000])) {
        if (rows === 0) expect([await held(), await spooled()]).toEqual([0, 1]);
        for (const row of batch) inOrder &&= row.i === 400_000 - 1 - rows++;
      }
      expect([rows, inOrder]).toEqual([400_000, true]);
      expect(await spooled()).toBe(0);
      // A HUGEINT (SUM of BIGINT) past 2^53 comes back exact, as from query(); a Parquet file alone holds it as DOUBLE.
      const big = 'SELECT SUM(x) AS h, 7 AS k FROM (VALUES (9007199254740993::BIGINT), (10::BIGINT)) t(x)';
      const streamed = [];
      for await (const batch of capped.stream(big)) streamed.push(...batch);
      expect(streamed).toEqual([{ h: '9007199254741003', k: 7 }]);
      expect(streamed).toEqual((await capped.query(big)).rows);
      await expect(capped.stream('SELECT error(?) AS e', ['boom'])[Symbol.asyncIterator]().next()).rejects.toThrow(
        /boom/,
      );
      expect(await spooled()).toBe(0);
    } finally {
      await capped.close();
    }
  });

  test('a read-only session streams a read with the same settings, and refuses anything else there too', async () => {
    const reader = await DuckDBQueryEngine.create({ lakeRoot: lake.root, store: lake.store, readOnly: true });
    try {
      const rows: unknown[] = [];
      for await (const batch of reader.stream('SELECT COUNT(*) AS n, 7 / 2 AS q FROM trade_flows')) rows.push(...batch);
      expect(rows).toEqual([{ n: 4, q: 3 }]);
      const copy = reader.stream(`COPY (SELECT 1) TO '${join(lake.root, 'metrics', 'x.csv')}'`);
      const error = await copy[Symbol.asyncIterator]()
        .next()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(QueryError);
      expect((error as QueryError).message).toMatch(/a COPY statement/);
      expect(await readdir(join(lake.root, 'metrics')).catch(() => [])).not.toContain('x.csv');
    } finally {
      await reader.close();
    }
  });

  test('a view is made when a statement first names its table: one that names none opens no file; a catalog read sees every table', async () => {
    const ref = await referenceCountries();
    const broken = await fixtureLake({
      countries: ref,
      trade: tradeRows(ref, { year: 2024, hs6: '854231' }, { '156': 1 }),
    });
    try {
      // trade_flows' file is not Parquet: only a statement that reads trade_flows can notice.
      const [file] = (await broken.store.list('curated/trade_flows/')).filter((k) => k.endsWith('.parquet'));
      await broken.store.put(file, new TextEncoder().encode('not parquet'));
      const reader = await DuckDBQueryEngine.create({ lakeRoot: broken.root, store: broken.store, readOnly: true });
      try {
        expect((await reader.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
        expect((await reader.query('SELECT COUNT(*) > 0 AS some FROM countries')).rows).toEqual([{ some: true }]);
        await expect(reader.query('SELECT COUNT(*) AS n FROM "Trade_Flows"')).rejects.toThrow(QueryError);
      } finally {
        await reader.close();
      }
    } finally {
      await broken.close();
    }
    const reader = await DuckDBQueryEngine.create({ lakeRoot: lake.root, store: lake.store, readOnly: true });
    try {
      const { rows } = await reader.query('SELECT table_name FROM information_schema.tables ORDER BY table_name');
      expect(rows.map((r) => r.table_name)).toEqual(allTables.map((t) => t.name).sort());
    } finally {
      await reader.close();
    }
  });

  /** A concentration table from trade_flows: the reporter is the first parameter, years from the second on. */
  const concentrationSql = `
      SELECT CAST(? AS VARCHAR) AS reporter_iso3, CAST(hs6 AS VARCHAR) AS hs6, CAST(flow AS VARCHAR) AS flow,
        CAST(year AS INTEGER) AS year, CAST(COUNT(*) AS INTEGER) AS n_suppliers, CAST(SUM(value_usd) AS DOUBLE) AS total_value_usd,
        CAST(0.5 AS DOUBLE) AS hhi, CAST(5000 AS DOUBLE) AS hhi_points, CAST(0.6 AS DOUBLE) AS cr1, CAST(1 AS DOUBLE) AS cr3,
        CAST(2 AS DOUBLE) AS n_eff, CAST(NULL AS DOUBLE) AS hhi_norm, CAST('CHN' AS VARCHAR) AS top_supplier_iso3,
        CAST(0 AS DOUBLE) AS nes_share, false AS provisional
      FROM trade_flows WHERE year >= ? GROUP BY hs6, flow, year ORDER BY year -- a trailing comment
    ;`;

  test('materialize writes a new version of metrics/<table>/, switches the manifest to it, and the view follows', async () => {
    expect(await lake.engine.materialize('concentration', concentrationSql, ['USA', 2023])).toEqual({ rows: 2 });
    const first = await currentMetricVersion(lake.store, tableByName('concentration')!);
    expect(first?.keys).toEqual([`metrics/concentration/v=${first?.version}/part-00000.parquet`]);
    expect((await lake.engine.query('SELECT year, total_value_usd FROM concentration ORDER BY year')).rows).toEqual([
      { year: 2023, total_value_usd: 100 },
      { year: 2024, total_value_usd: 100 },
    ]);

    expect(await lake.engine.materialize('concentration', concentrationSql, ["it's", 2024])).toEqual({ rows: 1 });
    expect((await lake.engine.query('SELECT reporter_iso3, year FROM concentration')).rows).toEqual([
      { reporter_iso3: "it's", year: 2024 },
    ]);
    const second = await currentMetricVersion(lake.store, tableByName('concentration')!);
    expect(second?.version).toBe(first!.version + 1);
    // the replaced version stays for readers that started before the switch, until the next one
    expect(await lake.store.list('metrics/concentration/')).toEqual([
      'metrics/concentration/_symlink_format_manifest/manifest',
      ...first!.keys,
      ...second!.keys,
    ]);
  });

  test('a session sees the metric tables as they were when it first read one, until refreshViews: views made later do not mix in a newer switch', async () => {
    await lake.engine.materialize('concentration', concentrationSql, ['USA', 2023]);
    const reader = await DuckDBQueryEngine.create({ lakeRoot: lake.root, store: lake.store, readOnly: true });
    try {
      expect((await reader.query('SELECT COUNT(*) AS n FROM supplier_shares')).rows).toEqual([{ n: 0 }]);
      // another process switches concentration before this session names it
      await lake.engine.materialize('concentration', concentrationSql, ['DEU', 2024]);
      const reporters = async () => (await reader.query('SELECT DISTINCT reporter_iso3 FROM concentration')).rows;
      expect(await reporters()).toEqual([{ reporter_iso3: 'USA' }]);
      await reader.refreshViews([tableByName('concentration')!]);
      expect(await reporters()).toEqual([{ reporter_iso3: 'DEU' }]);
    } finally {
      await reader.close();
    }
  });

  test('a materialize that fails mid-COPY leaves readers on the previous version and no temp file behind', async () => {
    await lake.engine.materialize('concentration', concentrationSql, ['DEU', 2023]);
    const files = async () => (await lake.store.list('metrics/concentration/')).filter((k) => !k.includes('.tmp-'));
    const before = await files();
    const manifest = await lake.store.get('metrics/concentration/_symlink_format_manifest/manifest');
    // the types check out; the error comes from the rows, while DuckDB writes the file
    const failing = concentrationSql.replace(
      "CAST('CHN' AS VARCHAR)",
      "CAST(CASE WHEN year > 2023 THEN error('injected failure') END AS VARCHAR)",
    );
    const error = await lake.engine.materialize('concentration', failing, ['DEU', 2023]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryError);
    expect((error as QueryError).message).toMatch(/Could not materialize concentration: .*injected failure/);
    expect(await lake.store.get('metrics/concentration/_symlink_format_manifest/manifest')).toEqual(manifest);
    expect(await files()).toEqual(before);
    expect(await lake.store.list('metrics/concentration/')).toEqual(before);
    expect((await lake.engine.query('SELECT DISTINCT reporter_iso3 FROM concentration')).rows).toEqual([
      { reporter_iso3: 'DEU' },
    ]);
  });

  test('materialize through a store without local files (as S3) puts the bytes of a COPY to a temp file', async () => {
    // The folder store seen through the ObjectStore basics only, as S3 offers them (no putWith):
    // the engine cannot COPY into the store, so it must COPY to a temp file and put that.
    const folder = lake.store;
    const plain: ObjectStore = {
      location: folder.location,
      put: (key, body) => folder.put(key, body),
      get: (key) => folder.get(key),
      list: (prefix) => folder.list(prefix),
      delete: (keys) => folder.delete(keys),
      exists: (key) => folder.exists(key),
      copy: (from, to) => folder.copy(from, to),
    };
    const engine = await DuckDBQueryEngine.create({ lakeRoot: lake.root, store: plain });
    try {
      expect(await engine.materialize('concentration', concentrationSql, ['POL', 2024])).toEqual({ rows: 1 });
      // another engine switched the table: this one re-points its view (as after another process's run)
      await lake.engine.refreshViews([tableByName('concentration')!]);
      expect((await lake.engine.query('SELECT reporter_iso3, year FROM concentration')).rows).toEqual([
        { reporter_iso3: 'POL', year: 2024 },
      ]);
    } finally {
      await engine.close();
    }
  });

  /** A fixture lake whose trade_flows has a 2022 partition written before `note` was added. */
  async function lakeWithNoteless2022() {
    const ref = await referenceCountries();
    const flows = tableByName('trade_flows')!;
    const withoutNote = { ...flows, schema: flows.schema.omit({ note: true }) };
    const older = await fixtureLake();
    await writePartitions(
      older.store,
      withoutNote,
      tradeRows(ref, { year: 2022, hs6: '854231' }, { '156': 5 }),
      orderBy('partner_iso3'),
    );
    return { ref, flows, older };
  }

  test('a table whose older files lack a column (written before it was added) reads NULL there', async () => {
    const { ref, flows, older } = await lakeWithNoteless2022();
    try {
      await writePartitions(
        older.store,
        flows,
        tradeRows(ref, { year: 2023, hs6: '854231' }, { '156': 6 }).map((r) => ({ ...r, note: 'revised' })),
        orderBy('partner_iso3'),
      );
      await older.engine.refreshViews([flows]);
      expect((await older.engine.query('SELECT year, note, value_usd FROM trade_flows ORDER BY year')).rows).toEqual([
        { year: 2022, note: null, value_usd: 5 },
        { year: 2023, note: 'revised', value_usd: 6 },
      ]);
    } finally {
      await older.close();
    }
  });

  test('a table none of whose files has a column (a lake from an earlier chainwatch) reads NULL there, as Athena does', async () => {
    const { flows, older } = await lakeWithNoteless2022();
    try {
      await older.engine.refreshViews([flows]);
      expect((await older.engine.query('SELECT year, note, value_usd FROM trade_flows')).rows).toEqual([
        { year: 2022, note: null, value_usd: 5 },
      ]);
    } finally {
      await older.close();
    }
  });

  test('materialize refuses a SELECT whose columns differ from the schema, and a table that is not a metric', async () => {
    const wrong = await lake.engine.materialize('concentration', 'SELECT 1 AS reporter_iso3').catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(QueryError);
    expect((wrong as QueryError).message).toMatch(
      /yields \(reporter_iso3 INTEGER\), but the schema declares \(reporter_iso3 VARCHAR, hs6 VARCHAR/,
    );
    expect((wrong as QueryError).hint).toMatch(/CAST/);
    const curated = await lake.engine.materialize('trade_flows', 'SELECT 1').catch((e: unknown) => e);
    expect(curated).toBeInstanceOf(QueryError);
    expect((curated as QueryError).hint).toMatch(/data-schemas\/metrics\.ts/);
  });
});
