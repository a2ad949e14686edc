import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { allTables } from '../../data-schemas/index.ts';
import { TABLE_NAMES } from '../../data-schemas/table-names.ts';
import { CLI_BUILD } from '../../scripts/build.mjs';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** Every package a compiled file imports before any dynamic import runs: its static import closure. */
function staticPackages(meta: Metafile, from: string): Set<string> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const i of meta.outputs[file]?.imports ?? []) {
      if (i.kind !== 'import-statement') continue;
      if (i.external) packages.add(i.path);
      else visit(i.path);
    }
    // A bundled package shows as its inputs, not as an import.
    for (const input of Object.keys(meta.outputs[file]?.inputs ?? {})) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      if (match) packages.add(match[1]);
    }
  };
  visit(from);
  return packages;
}

describe('CLI start-up', () => {
  it('loads no package before a command runs (--help loads none): each command is imported when it is chosen', async () => {
    const metafile = (await build({ ...CLI_BUILD, write: false, metafile: true, sourcemap: false })).metafile!;
    const main = Object.keys(metafile.outputs).find((f) => f.endsWith('cli/main.js'))!;
    const loaded = [...staticPackages(metafile, main)];
    // Node's own modules only: any package (the AWS SDK, DuckDB, vega, zod…) costs 50–400 ms of start-up.
    expect(loaded.filter((p) => !p.startsWith('node:'))).toEqual([]);
    // And the commands are there, behind dynamic imports (otherwise the check above proves nothing).
    expect(metafile.outputs[main].imports.filter((i) => i.kind === 'dynamic-import').length).toBeGreaterThan(4);
  });

  it('query loads the Trino grammar only when a statement needs it (portability.ts), not on every start', async () => {
    const metafile = (await build({ ...CLI_BUILD, write: false, metafile: true, sourcemap: false })).metafile!;
    const query = Object.keys(metafile.outputs).find(
      (f) => metafile.outputs[f].entryPoint === undefined && 'src/cli/query.ts' in metafile.outputs[f].inputs,
    )!;
    expect(query).toBeDefined();
    expect([...staticPackages(metafile, query)]).not.toContain('dt-sql-parser');
    // …and it is there, behind a dynamic import.
    const grammar = Object.keys(metafile.outputs).filter((f) =>
      Object.keys(metafile.outputs[f].inputs).some((i) => i.includes('node_modules/dt-sql-parser/')),
    );
    expect(grammar.length).toBeGreaterThan(0);
  });

  it('query "select 1" loads no schema (zod) and no Parquet writer; DuckDB\'s JavaScript API is bundled', async () => {
    const metafile = (await build({ ...CLI_BUILD, write: false, metafile: true, sourcemap: false })).metafile!;
    const chunkOf = (source: string) =>
      Object.keys(metafile.outputs).find(
        (f) => metafile.outputs[f].entryPoint === undefined && source in metafile.outputs[f].inputs,
      )!;
    const query = staticPackages(metafile, chunkOf('src/cli/query.ts'));
    const engine = staticPackages(metafile, chunkOf('src/adapters/duckdb-engine/duckdb-engine.ts'));
    for (const loaded of [query, engine]) {
      expect(loaded).not.toContain('zod');
      expect(loaded).not.toContain('hyparquet-writer');
    }
    // One file instead of 120 (the native bindings stay a package in node_modules).
    expect(engine).toContain('@duckdb/node-api');
    const imports = Object.values(metafile.outputs).flatMap((o) => o.imports);
    expect(imports.some((i) => i.external && i.path === '@duckdb/node-api')).toBe(false);
    expect(imports.some((i) => i.external && i.path === '@duckdb/node-bindings')).toBe(true);
  });

  it('the report build’s thread loads its own small chunk, the build behind a dynamic import', async () => {
    const metafile = (await build({ ...CLI_BUILD, write: false, metafile: true, sourcemap: false })).metafile!;
    // The thread imports the chunk that holds report-thread.ts (its import.meta.url); the main thread, which
    // imports the same chunk to start it, must not load the build with it.
    const thread = Object.keys(metafile.outputs).find(
      (f) => metafile.outputs[f].entryPoint === undefined && 'src/cli/report-thread.ts' in metafile.outputs[f].inputs,
    )!;
    expect([...staticPackages(metafile, thread)].filter((p) => !p.startsWith('node:'))).toEqual([]);
    const builds = metafile.outputs[thread].imports.filter((i) => i.kind === 'dynamic-import');
    expect(builds.some((i) => staticPackages(metafile, i.path).has('@duckdb/node-api'))).toBe(true);
  });

  it('the chart renderer’s thread loads its own small chunk: Vega, and no DuckDB, AWS SDK, schemas or Parquet writer', async () => {
    const metafile = (await build({ ...CLI_BUILD, write: false, metafile: true, sourcemap: false })).metafile!;
    // The thread imports the chunk that holds chart-renderer.ts (its import.meta.url), so that chunk's static
    // imports are everything the thread loads before it asks for Vega.
    const thread = Object.keys(metafile.outputs).find(
      (f) =>
        metafile.outputs[f].entryPoint === undefined &&
        'src/core/report/charts/chart-renderer.ts' in metafile.outputs[f].inputs,
    )!;
    expect([...staticPackages(metafile, thread)].filter((p) => !p.startsWith('node:'))).toEqual([]);
    const render = metafile.outputs[thread].imports.find((i) => i.kind === 'dynamic-import');
    expect(render).toBeDefined();
    const drawing = staticPackages(metafile, render!.path);
    expect(drawing).toContain('vega');
    expect([...drawing].filter((p) => /duckdb|aws-sdk|^zod$|hyparquet/.test(p))).toEqual([]);
  });

  it('knows the table names without the schemas: data-schemas/table-names.ts names every table there is', () => {
    expect([...TABLE_NAMES].sort()).toEqual(allTables.map((t) => t.name).sort());
  });

  it('runs from the compiled JavaScript (npm run build): --help exits 0 without tsx', () => {
    const help = execFileSync(process.execPath, ['bin/chainwatch.js', '--help'], { cwd: REPO, encoding: 'utf8' });
    expect(help).toMatch(/^Usage: chainwatch <command>/m);
  });
});
