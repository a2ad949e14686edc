import { scaled } from '../support/slowdown.ts';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateWorkGroupCommand, ListQueryExecutionsCommand } from '@aws-sdk/client-athena';
import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';
import { bundledBuild } from '../support/bundled-site.ts';
import { KVS_ARN, KvsStandIn } from '../support/kvs-stand-in.ts';
import { athenaClientFor, queueAthenaResults, s3ClientFor, claimMoto, type Moto } from '../support/moto.ts';

/**
 * The real thing: `cdk synth` through the CLI, as `cdk.json` runs it, with esbuild bundling every
 * Lambda locally. Network access is cut (proxies point at a closed port, npm is offline), so a
 * pass proves synthesis needs nothing but the repository and its node_modules.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const cdkBin = join(root, 'node_modules', '.bin', 'cdk');

type Template = {
  Resources: Record<string, { Type: string; Properties: Record<string, any>; Metadata?: Record<string, string> }>;
};

describe('cdk synth (CLI, real bundling, offline)', () => {
  let out: string;
  let result: ReturnType<typeof spawnSync>;
  beforeAll(() => {
    if (!existsSync(cdkBin))
      throw new Error(`The CDK CLI is missing at ${cdkBin}; run npm ci to install the aws-cdk devDependency.`);
    out = mkdtempSync(join(tmpdir(), 'chainwatch-cdk-out-'));
    const closed = 'http://127.0.0.1:9';
    const { CDK_DEFAULT_ACCOUNT: _a, CDK_DEFAULT_REGION: _r, ...env } = process.env;
    result = spawnSync(cdkBin, ['synth', '--quiet', '--no-notices', '--output', out], {
      cwd: root,
      encoding: 'utf8',
      timeout: scaled(240_000),
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
  }, scaled(300_000));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  const template = (stack: string): Template =>
    JSON.parse(readFileSync(join(out, `chainwatch-dev-${stack}.template.json`), 'utf8'));
  /** Lambda bundles, keyed by the function's logical id. */
  const bundles = () =>
    Object.entries(template('pipeline').Resources)
      .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
      .map(([id, r]) => ({ id, dir: join(out, r.Metadata!['aws:asset:path']) }));

  it('succeeds and writes the four stacks', () => {
    expect(result.error, String(result.error)).toBeUndefined();
    expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
    for (const stack of ['storage', 'catalog', 'site', 'pipeline'])
      expect(existsSync(join(out, `chainwatch-dev-${stack}.template.json`)), stack).toBe(true);
  });

  it('bundles every Lambda as one ESM file without DuckDB', () => {
    for (const { id, dir } of bundles()) {
      const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
      expect(code.length, id).toBeGreaterThan(0);
      expect(code.includes('@duckdb'), `${id} bundle references @duckdb`).toBe(false);
      expect(existsSync(join(dir, 'node_modules')), `${id} ships node_modules`).toBe(false);
    }
  });

  it('loads every bundle as an ES module exporting the handler', () => {
    for (const { id, dir } of bundles()) {
      const run = spawnSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const m = await import(${JSON.stringify(join(dir, 'index.mjs'))}); console.log(typeof m.handler);`,
        ],
        {
          cwd: dir,
          encoding: 'utf8',
        },
      );
      expect(run.stdout.trim(), `${id}: ${run.stderr}`).toBe('function');
    }
  });

  it('ships the files the handlers read at run time next to the bundle', () => {
    const sqlFiles = readdirSync(join(root, 'sql', 'metrics')).filter((f) => f.endsWith('.sql'));
    const byId = (prefix: string) => bundles().filter((b) => b.id.startsWith(prefix));
    for (const { dir } of byId('Metrics'))
      expect(readdirSync(join(dir, 'sql', 'metrics')).sort()).toEqual(sqlFiles.sort());
    for (const { dir } of byId('Ingest')) {
      expect(existsSync(join(dir, 'data', 'bundled', 'SOURCES.md'))).toBe(true);
      expect(existsSync(join(dir, 'data-schemas', 'reference', 'basket.csv'))).toBe(true);
    }
    for (const { dir } of byId('Report')) {
      expect(existsSync(join(dir, 'reports', 'site.css'))).toBe(true);
      expect(existsSync(join(dir, 'sql', 'analyst', 'top_suppliers.sql'))).toBe(true);
      expect(readdirSync(join(dir, 'dist', 'site-console')).sort()).toEqual(
        readdirSync(join(root, 'dist', 'site-console')).sort(),
      );
    }
  });

  describe('the bundles run as Lambda runs them', () => {
    let moto: Moto;
    let s3: S3Client;
    beforeAll(async () => {
      moto = await claimMoto();
      s3 = s3ClientFor(moto.endpoint);
      for (const bucket of ['lake', 'site']) await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      // Athena cannot run here, so the metric tables come from the local engine (DuckDB): the shared bundled
      // lake's (test/support/bundled-site.ts), copied in.
      const local = new FolderObjectStore((await bundledBuild()).lake);
      for (const key of await local.list('metrics/'))
        await s3.send(new PutObjectCommand({ Bucket: 'lake', Key: key, Body: await local.get(key) }));
    }, scaled(180_000));
    afterAll(async () => {
      s3?.destroy();
      await moto?.stop();
    });

    /**
     * Invoke a bundle's handler in a fresh Node process whose working directory is the task root, like
     * /var/task. Asynchronously: a stand-in this process serves must keep answering while the handler runs.
     */
    const launch = async (
      prefix: string,
      event: unknown,
      environment: Record<string, string>,
      preload: string[] = [],
    ) => {
      const { dir } = bundles().find((b) => b.id.startsWith(prefix))!;
      return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(
          process.execPath,
          [
            ...preload.flatMap((p) => ['--import', p]),
            '--input-type=module',
            '-e',
            "const { handler } = await import(process.env.ENTRY); console.log('RESULT ' + JSON.stringify(await handler(JSON.parse(process.env.EVENT))));",
          ],
          {
            cwd: dir,
            timeout: scaled(120_000),
            env: {
              PATH: process.env.PATH,
              ENTRY: join(dir, 'index.mjs'),
              EVENT: JSON.stringify(event),
              LAMBDA_TASK_ROOT: dir,
              AWS_ENDPOINT_URL_S3: moto.endpoint,
              AWS_REGION: 'us-east-1',
              AWS_ACCESS_KEY_ID: 'testing',
              AWS_SECRET_ACCESS_KEY: 'testing',
              ...environment,
            },
          },
        );
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        child.on('close', (status) => resolve({ status, stdout, stderr }));
      });
    };
    const invoke = async (prefix: string, event: unknown, environment: Record<string, string>) => {
      const run = await launch(prefix, event, environment);
      expect(run.status, `${prefix}: ${run.stdout}\n${run.stderr}`).toBe(0);
      return JSON.parse(/^RESULT (.*)$/m.exec(run.stdout)![1]) as Record<string, unknown>;
    };
    const keys = async (bucket: string, prefix: string) =>
      ((await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }))).Contents ?? []).map((o) => o.Key!);

    it(
      'ingest lands the bundled data from the files shipped in its asset',
      async () => {
        const summary = await invoke(
          'Ingestbundled',
          { source: 'bundled', runId: 'bundle-run' },
          { LAKE_BUCKET: 'lake' },
        );
        expect(summary).toMatchObject({
          source: 'bundled',
          outcome: 'succeeded',
          manifestKey: '_runs/bundle-run-bundled.json',
        });
        expect(await keys('lake', 'curated/trade_flows/')).not.toEqual([]);
      },
      scaled(120_000),
    );

    it(
      'report runs as Lambda runs it: it asks Athena in its workgroup for the tables with rows, and an empty answer fails typed after reading the site pointer (signed SigV4A by the bundled signer), switching nothing',
      async () => {
        // moto runs no SQL, so the report's page queries cannot be answered here (test/system/report-publish.test.ts
        // builds and publishes on DuckDB through the same code): the first query gets a canned "no rows" answer.
        const athena = athenaClientFor(moto.endpoint);
        await athena.send(new CreateWorkGroupCommand({ Name: 'chainwatch-bundle', Configuration: {} }));
        await queueAthenaResults(moto.endpoint, [
          {
            column_info: [{ Name: 'sources', Label: 'sources', Type: 'boolean' }],
            rows: [{ Data: [{ VarCharValue: 'sources' }] }, { Data: [{ VarCharValue: 'false' }] }],
          },
        ]);
        const kvs = new KvsStandIn();
        const server = await kvs.serve();
        try {
          const redirect = fileURLToPath(new URL('../support/kvs-redirect.mjs', import.meta.url));
          const run = await launch(
            'Report',
            { runId: 'bundle-run' },
            {
              LAKE_BUCKET: 'lake',
              SITE_BUCKET: 'site',
              SITE_KVS_ARN: KVS_ARN,
              KVS_STAND_IN: server.url,
              ATHENA_WORKGROUP: 'chainwatch-bundle',
              GLUE_DATABASE: 'chainwatch_bundle',
              AWS_ENDPOINT_URL_ATHENA: moto.endpoint,
            },
            [redirect],
          );
          expect(run.status).not.toBe(0);
          expect(run.stdout + run.stderr).toMatch(/has no rows in sources/);
          // It read the site pointer, signed with SigV4A by the bundled signer, and switched nothing.
          expect(kvs.requests.length).toBeGreaterThan(0);
          expect(kvs.requests.every((r) => r.method === 'GET')).toBe(true);
          expect(kvs.requests[0].headers.authorization).toMatch(/^AWS4-ECDSA-P256-SHA256 /);
          expect(kvs.items.get('current')).toBeUndefined();
          const executions = await athena.send(new ListQueryExecutionsCommand({ WorkGroup: 'chainwatch-bundle' }));
          expect(executions.QueryExecutionIds).toHaveLength(1);
        } finally {
          await server.close();
          athena.destroy();
        }
      },
      scaled(120_000),
    );
  });
});
