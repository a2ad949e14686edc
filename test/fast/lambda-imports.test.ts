import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

/**
 * Each Lambda handler ships only the packages its own step uses: bundled as the CDK app bundles it
 * (esbuild, ESM, tree-shaken; infra/stacks/pipeline.ts), a handler's code holds no other step's packages,
 * so no function pays for loading them on a cold start. DuckDB is never in a function (it is not
 * deployed: Athena is the engine there).
 */
const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** The packages bundled into a handler, by name (scoped packages whole: `@aws-sdk/client-s3`). */
async function bundledPackages(handler: string): Promise<{ packages: Set<string>; external: string[] }> {
  const { metafile } = await build({
    absWorkingDir: REPO,
    entryPoints: [`lambdas/${handler}.ts`],
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    mainFields: ['module', 'main'],
    external: ['@duckdb/*'],
    logLevel: 'error',
  });
  const packages = new Set<string>();
  for (const input of Object.keys(metafile.inputs)) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
    if (match) packages.add(match[1]);
  }
  const external = Object.values(metafile.outputs).flatMap((o) =>
    o.imports.filter((i) => i.external && !i.path.startsWith('node:')).map((i) => i.path),
  );
  return { packages, external };
}

const VEGA = /^(vega|vega-.*|d3-.*)$/;
/** What each handler must not carry, with why: the packages of the other steps. */
const FOREIGN: Record<string, { pattern: RegExp; why: string }[]> = {
  ingest: [
    { pattern: VEGA, why: 'the report renders charts' },
    {
      pattern: /^@aws-sdk\/client-(athena|cloudfront-keyvaluestore|sfn|cloudformation)$/,
      why: 'other steps’ AWS APIs',
    },
    { pattern: /^dt-sql-parser$/, why: 'the Trino grammar checks metric SQL in the tests' },
  ],
  metrics: [
    { pattern: VEGA, why: 'the report renders charts' },
    {
      pattern: /^(arquero|hyparquet-writer)$/,
      why: 'the ingest normalizes rows and writes Parquet; Athena writes the metrics',
    },
    { pattern: /^@aws-sdk\/client-(ssm|cloudfront-keyvaluestore|sfn|cloudformation)$/, why: 'other steps’ AWS APIs' },
    { pattern: /^dt-sql-parser$/, why: 'the Trino grammar checks metric SQL in the tests' },
  ],
  report: [
    // hyparquet-writer it uses: the Data page's downloads are Parquet files, written as the engine streams the rows.
    { pattern: /^arquero$/, why: 'the ingest normalizes rows' },
    { pattern: /^@aws-sdk\/client-(ssm|sfn|cloudformation)$/, why: 'other steps’ AWS APIs' },
    { pattern: /^dt-sql-parser$/, why: 'the Trino grammar checks metric SQL in the tests' },
  ],
  watchdog: [
    { pattern: VEGA, why: 'the report renders charts' },
    { pattern: /^(arquero|hyparquet|hyparquet-writer|zod)$/, why: 'the steps’ data handling' },
    { pattern: /^@aws-sdk\/client-(?!sfn$)/, why: 'it reads the state machine’s executions only' },
  ],
};

describe('Lambda handlers import only what they use', () => {
  for (const [handler, rules] of Object.entries(FOREIGN)) {
    it(`${handler}: no other step's packages, no DuckDB`, async () => {
      const { packages, external } = await bundledPackages(handler);
      // The bundle is real (the SDK and Powertools are in every handler), so an empty list proves something.
      expect(packages).toContain('@aws-lambda-powertools/logger');
      const foreign = [...packages].flatMap((p) =>
        rules.filter((r) => r.pattern.test(p)).map((r) => `${p} (${r.why})`),
      );
      expect(foreign).toEqual([]);
      expect(external.filter((p) => p.startsWith('@duckdb/'))).toEqual([]);
    });
  }
});

/** `entry` bundled as the CDK app bundles a handler (ESM, one file, minified), run; what it prints. */
async function runBundled(entry: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'chainwatch-bundle-'));
  try {
    const outfile = join(dir, 'index.mjs');
    await build({
      absWorkingDir: REPO,
      entryPoints: [entry],
      outfile,
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'node',
      target: 'node22',
      mainFields: ['module', 'main'],
      banner: {
        js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
      },
      logLevel: 'error',
    });
    return execFileSync(process.execPath, [outfile], { encoding: 'utf8', timeout: 60_000 });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('the report handler’s chart renderer in a single-file bundle', () => {
  it('runs its thread from the bundle itself, the report handler’s module included', async () => {
    expect(await runBundled('test/support/render-one-chart.ts')).toMatch(/^<svg [^>]*aria-label="One bar"/);
  });

  it('says what is wrong with a bundle that loads the renderer only when asked (its thread has nothing to serve)', async () => {
    const said = await runBundled('test/support/render-lazily.ts');
    expect(said).toMatch(/thread ended before it served .*did not load chart-renderer\.ts/);
    expect(said).toMatch(/must import src\/core\/report\/charts\/chart-renderer\.ts statically/);
  });
});
