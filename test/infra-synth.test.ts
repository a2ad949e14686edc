import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The real thing: `cdk synth` through the CLI, as `cdk.json` runs it, with esbuild bundling every
 * Lambda locally. Network access is cut (proxies point at a closed port, npm is offline), so a
 * pass proves synthesis needs nothing but the repository and its node_modules.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const cdkBin = join(root, 'node_modules', '.bin', 'cdk');

type Template = { Resources: Record<string, { Type: string; Properties: Record<string, any>; Metadata?: Record<string, string> }> };

describe('cdk synth (CLI, real bundling, offline)', () => {
  let out: string;
  let result: ReturnType<typeof spawnSync>;
  beforeAll(() => {
    if (!existsSync(cdkBin)) throw new Error(`The CDK CLI is missing at ${cdkBin}; run npm ci to install the aws-cdk devDependency.`);
    out = mkdtempSync(join(tmpdir(), 'chainwatch-cdk-out-'));
    const closed = 'http://127.0.0.1:9';
    const { CDK_DEFAULT_ACCOUNT: _a, CDK_DEFAULT_REGION: _r, ...env } = process.env;
    result = spawnSync(cdkBin, ['synth', '--quiet', '--no-notices', '--output', out], {
      cwd: root,
      encoding: 'utf8',
      timeout: 240_000,
      env: {
        ...env,
        HTTP_PROXY: closed,
        HTTPS_PROXY: closed,
        http_proxy: closed,
        https_proxy: closed,
        NO_PROXY: '',
        npm_config_offline: 'true',
        AWS_EC2_METADATA_DISABLED: 'true',
        CDK_DISABLE_CLI_TELEMETRY: 'true',
        CDK_DISABLE_VERSION_CHECK: 'true',
      },
    });
  }, 300_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  const template = (stack: string): Template => JSON.parse(readFileSync(join(out, `chainwatch-dev-${stack}.template.json`), 'utf8'));
  /** Lambda bundles, keyed by the function's logical id. */
  const bundles = () =>
    Object.entries(template('pipeline').Resources)
      .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
      .map(([id, r]) => ({ id, dir: join(out, r.Metadata!['aws:asset:path']) }));

  it('succeeds and writes the four stacks', () => {
    expect(result.error, String(result.error)).toBeUndefined();
    expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
    for (const stack of ['storage', 'catalog', 'site', 'pipeline']) expect(existsSync(join(out, `chainwatch-dev-${stack}.template.json`)), stack).toBe(true);
  });

  it('bundles every Lambda as one ESM file without DuckDB', () => {
    for (const { id, dir } of bundles()) {
      const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
      expect(code.length, id).toBeGreaterThan(0);
      expect(code.includes('@duckdb'), `${id} bundle references @duckdb`).toBe(false);
      expect(existsSync(join(dir, 'node_modules')), `${id} ships node_modules`).toBe(false);
    }
  });

  it('ships the files the handlers read at run time next to the bundle', () => {
    const sqlFiles = readdirSync(join(root, 'sql', 'metrics')).filter((f) => f.endsWith('.sql'));
    const byId = (prefix: string) => bundles().filter((b) => b.id.startsWith(prefix));
    for (const { dir } of byId('Metrics')) expect(readdirSync(join(dir, 'sql', 'metrics')).sort()).toEqual(sqlFiles.sort());
    for (const { dir } of byId('Ingest')) {
      expect(existsSync(join(dir, 'data', 'bundled', 'SOURCES.md'))).toBe(true);
      expect(existsSync(join(dir, 'data-schemas', 'reference', 'basket.csv'))).toBe(true);
    }
    for (const { dir } of byId('Report')) expect(existsSync(join(dir, 'assets', 'site.css'))).toBe(true);
  });
});
