/**
 * No SQL is built by splicing a value into its text. Values are bound (`?` with DuckDB prepared
 * statements, Athena ExecutionParameters rendered by renderLiteral); what is spliced is only
 * identifiers from data-schemas/ (sqlIdent), paths the code makes itself (sqlString), type names
 * from a constant map, and the text of the shipped .sql files. The scan parses every source file of
 * the shipped code and lists each SQL-looking template or concatenation with what it interpolates;
 * anything not on the reviewed list below fails, naming the file and line.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { DuckDBQueryEngine } from '../../src/adapters/duckdb-engine/duckdb-engine.ts';
import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';
import { runIngest } from '../../src/core/ingest/ingest.ts';
import { REPO, smallData } from '../crash/support.ts';

/** Text that reads as SQL: keywords in capitals (as every SQL text here is written), or DuckDB table functions. */
const SQL_TEXT =
  /\b(SELECT|FROM|WHERE|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|COPY|UNLOAD|VIEW|CAST|JOIN|VALUES|LIMIT|PRAGMA|ATTACH|INSTALL|EXECUTE)\b|\b(read_parquet|read_csv|read_json|hive_types)\s*\(|=\s*\{/;

/**
 * Every interpolation into SQL text the code has, with why it cannot carry a user's value.
 * `file` is relative to the repository; `expression` is the interpolated source text.
 */
const REVIEWED: { file: string; expression: string; why: string }[] = [
  {
    file: 'src/core/report/pages/data.ts',
    expression: 't.name',
    why: 'a command shown as text on the Data page (never run), naming a table of data-schemas/',
  },
  {
    file: 'src/core/report/pages/data.ts',
    expression: "SPREADSHEET_MAX_ROWS.toLocaleString('en-US')",
    why: 'a constant in the Data page text beside that command, never run',
  },
  {
    file: 'src/core/report/table-files.ts',
    expression: 'table.name',
    why: 'a table name of data-schemas/ (allTables), never a value',
  },
  {
    file: 'src/core/report/table-files.ts',
    expression: "list.join(', ')",
    why: 'the double-quoted column names checked against data-schemas/, each maybe wrapped in csvTextSql (constant patterns)',
  },
  {
    file: 'src/adapters/duckdb-engine/duckdb-engine.ts',
    expression: 'statementBody(selectSql)',
    why: 'writeFile’s SELECT, built by the report from data-schemas/ names (table-files.ts); its values stay bound',
  },
  {
    file: 'src/adapters/duckdb-engine/duckdb-engine.ts',
    expression: 'statementBody(sql)',
    why: 'a stream’s own statement, stored in a spool file before it is read: the same SQL the caller ran, its values still bound (an analyst session checks it is one read first)',
  },
  {
    file: 'src/adapters/duckdb-engine/duckdb-engine.ts',
    expression: 'result',
    why: 'that same statement, or it wrapped in selectCasting',
  },
  {
    file: 'src/adapters/duckdb-engine/duckdb-engine.ts',
    expression: "selectCasting(asText, 'VARCHAR')",
    why: 'casts of the result’s own HUGEINT columns, their names quoted by sqlIdent',
  },
  {
    file: 'src/adapters/duckdb-engine/duckdb-engine.ts',
    expression: 'selectCasting(asText)',
    why: 'the same columns cast back to the type DuckDB named for them',
  },
  {
    file: 'src/adapters/duckdb-engine/duckdb-engine.ts',
    expression: 'c.name',
    why: 'selectCasting: a column name DuckDB gave, quoted by sqlIdent',
  },
  {
    file: 'src/adapters/duckdb-engine/duckdb-engine.ts',
    expression: 'type ?? c.type',
    why: 'selectCasting: VARCHAR, or a type name DuckDB gave for the column',
  },
  {
    file: 'src/adapters/duckdb-engine/duckdb-engine.ts',
    expression: "casts.join(', ')",
    why: 'selectCasting: the casts above',
  },
  {
    file: 'src/adapters/duckdb-engine/duckdb-engine.ts',
    expression: 'PARQUET_ROW_GROUP_ROWS',
    why: 'a constant row group size',
  },
  {
    file: 'src/adapters/duckdb-engine/duckdb-engine.ts',
    expression: 'options',
    why: 'COPY options the engine builds: format keywords, a constant row group size, metadata quoted by sqlString',
  },
  {
    file: 'src/core/analyst/duckdb-only.ts',
    expression: 'm[1]',
    why: 'a portability warning that quotes the analyst’s own SQL back as text on stderr; it is never run',
  },
  {
    file: 'src/core/analyst/duckdb-only.ts',
    expression: 'm[2]',
    why: 'a portability warning that quotes the analyst’s own SQL back as text on stderr; it is never run',
  },
  {
    file: 'src/core/analyst/duckdb-only.ts',
    expression: 'm[1].toUpperCase()',
    why: 'a portability warning that quotes the analyst’s own SQL back as text on stderr; it is never run',
  },
  {
    file: 'src/core/analyst/duckdb-only.ts',
    expression: 'm[2].toUpperCase()',
    why: 'a portability warning that quotes the analyst’s own SQL back as text on stderr; it is never run',
  },
  {
    file: 'src/core/analyst/param-references.ts',
    expression: 'table',
    why: 'a reference table name from the constant REFERENCES map, never a parameter value',
  },
  {
    file: 'src/core/analyst/param-references.ts',
    expression: 'column',
    why: 'a reference column name from the constant REFERENCES map, never a parameter value',
  },
  {
    file: 'src/adapters/duckdb-engine/duckdb-views.ts',
    expression: "hasData && !absent?.has(c.name) ? sqlIdent(c.name) : 'NULL'",
    why: 'a column name of data-schemas/, quoted as an identifier',
  },
  {
    file: 'src/adapters/duckdb-engine/duckdb-views.ts',
    expression: 'DUCKDB_TYPE[c.type]',
    why: 'a type name from a constant map',
  },
  {
    file: 'src/adapters/duckdb-engine/duckdb-views.ts',
    expression: 'sqlIdent(c.name)',
    why: 'a column name of data-schemas/, quoted as an identifier',
  },
  {
    file: 'src/adapters/duckdb-engine/duckdb-views.ts',
    expression: 'sqlIdent(table.name)',
    why: 'a table name of data-schemas/, quoted as an identifier',
  },
  {
    file: 'src/adapters/duckdb-engine/duckdb-views.ts',
    expression: 'select',
    why: 'the column list built above from sqlIdent and DUCKDB_TYPE',
  },
  {
    file: 'src/adapters/duckdb-engine/duckdb-views.ts',
    expression: 'from',
    why: 'the read_parquet call built by readParquet',
  },
  {
    file: 'src/adapters/duckdb-engine/duckdb-views.ts',
    expression: 'readParquet(table, lakeRoot, files, unionByName)',
    why: 'a glob of the lake folder the operator passed, or the metric files its manifest names, quoted by sqlString',
  },
  {
    file: 'src/adapters/duckdb-engine/duckdb-views.ts',
    expression: 'source',
    why: 'the glob or the list of file paths, each quoted by sqlString',
  },
  {
    file: 'src/adapters/duckdb-engine/duckdb-views.ts',
    expression: 'sqlString(reason)',
    why: 'a message chainwatch wrote (a lake key), quoted as a string literal',
  },
  {
    file: 'src/adapters/duckdb-engine/duckdb-views.ts',
    expression: "unionByName ? ', union_by_name = true' : ''",
    why: 'a fixed read_parquet option or nothing',
  },
  {
    file: 'src/adapters/duckdb-engine/duckdb-views.ts',
    expression: 'hive',
    why: 'partition names and types from data-schemas/',
  },
  {
    file: 'src/adapters/duckdb-engine/duckdb-views.ts',
    expression: "partitions.map((c) => `${sqlString(c.name)}: ${DUCKDB_TYPE[c.type]}`).join(', ')",
    why: 'partition names and types from data-schemas/',
  },
  {
    file: 'src/adapters/duckdb-engine/duckdb-engine.ts',
    expression: 'body',
    why: 'a shipped sql/metrics/*.sql file (its parameters stay bound)',
  },
  {
    file: 'src/adapters/duckdb-engine/duckdb-engine.ts',
    expression: 'sqlString(file)',
    why: 'a temp file path the engine makes itself',
  },
  {
    file: 'src/adapters/athena-engine/athena-unload.ts',
    expression: 'body',
    why: 'a shipped sql/metrics/*.sql file (its parameters go as ExecutionParameters)',
  },
  {
    file: 'src/adapters/athena-engine/athena-unload.ts',
    expression: 'renderLiteral(s3Uri)',
    why: 'the staging S3 URI the engine makes itself, as an escaped literal',
  },
];

const SHIPPED = ['src', 'lambdas', 'reports', 'infra'];

function sourceFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (path.endsWith('.ts')) files.push(path);
    }
  };
  for (const dir of SHIPPED) walk(join(REPO, dir));
  return files.sort();
}

/** A message for a person (an error, a progress line), not SQL for an engine. */
function isMessage(node: ts.Node): boolean {
  for (let p = node.parent; p && !ts.isSourceFile(p); p = p.parent) {
    if (ts.isNewExpression(p) && /Error$/.test(p.expression.getText())) return true;
    if (ts.isCallExpression(p) && /(^|\.)(log|onProgress|progress|warn|error)$/.test(p.expression.getText()))
      return true;
  }
  return false;
}

interface Splice {
  file: string;
  line: number;
  expression: string;
}

/** Every interpolation into SQL-looking text: template spans, and non-literal operands of `+` with SQL. */
function sqlSplices(): Splice[] {
  const found: Splice[] = [];
  for (const path of sourceFiles()) {
    const file = relative(REPO, path);
    const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
    const at = (n: ts.Node) => source.getLineAndCharacterOfPosition(n.getStart()).line + 1;
    const visit = (node: ts.Node): void => {
      if (ts.isTemplateExpression(node) && !isMessage(node)) {
        const text = node.head.text + node.templateSpans.map((s) => s.literal.text).join(' ');
        if (SQL_TEXT.test(text))
          for (const span of node.templateSpans)
            found.push({ file, line: at(span.expression), expression: span.expression.getText() });
      }
      if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken && !isMessage(node)) {
        const sides = [node.left, node.right];
        if (sides.some((s) => ts.isStringLiteralLike(s) && SQL_TEXT.test(s.text))) {
          for (const s of sides.filter((s) => !ts.isStringLiteralLike(s)))
            found.push({ file, line: at(s), expression: s.getText() });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

describe('SQL is never built from values', () => {
  const splices = sqlSplices();

  it('interpolates only reviewed, non-user parts into SQL text', () => {
    const unreviewed = splices.filter((s) => !REVIEWED.some((r) => r.file === s.file && r.expression === s.expression));
    expect(
      unreviewed.map(
        (s) =>
          `${s.file}:${s.line}: \${${s.expression}} — bind a value as a ? parameter; an identifier goes through sqlIdent. If it can never hold user input, add it to REVIEWED with why.`,
      ),
    ).toEqual([]);
    // The scan does find the SQL the engines build (it is not vacuous), and the list has nothing stale.
    expect(splices.length).toBeGreaterThanOrEqual(8);
    const stale = REVIEWED.filter((r) => !splices.some((s) => s.file === r.file && s.expression === r.expression));
    expect(stale.map((r) => `${r.file}: ${r.expression}`)).toEqual([]);
  });

  it('binds a value that looks like SQL as data: it is found, and nothing else happens', async () => {
    const root = await mkdtemp(join(tmpdir(), 'chainwatch-sql-'));
    try {
      const data = await smallData(join(root, 'data'), 'b');
      const trade = join(data, 'us_imports_by_partner_hs6.csv');
      const hostile = "Japan'); DROP TABLE trade_flows; --";
      await writeFile(trade, (await readFile(trade, 'utf8')).replace(/,392,JPN,Japan,/, `,392,JPN,"${hostile}",`));
      const lake = join(root, 'lake');
      const store = new FolderObjectStore(lake);
      await runIngest({ store, runId: 'sql', dataDir: data, now: new Date('2026-03-01T06:00:00Z') });
      const engine = await DuckDBQueryEngine.create({ lakeRoot: lake, store });
      try {
        const before = (await engine.query('SELECT COUNT(*) AS n FROM trade_flows')).rows[0].n;
        const { rows } = await engine.query(
          'SELECT partner_iso3, partner_name FROM trade_flows WHERE partner_name = ? LIMIT 1',
          [hostile],
        );
        expect(rows).toEqual([{ partner_iso3: 'JPN', partner_name: hostile }]);
        const { rows: none } = await engine.query('SELECT COUNT(*) AS n FROM trade_flows WHERE partner_iso3 = ?', [
          "x' OR '1'='1",
        ]);
        expect(Number(none[0].n)).toBe(0);
        expect((await engine.query('SELECT COUNT(*) AS n FROM trade_flows')).rows[0].n).toBe(before);
      } finally {
        await engine.close();
      }
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
