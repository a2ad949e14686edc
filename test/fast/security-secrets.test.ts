/**
 * Secrets come only from the environment or SSM, and never reach a log line, an error, a manifest
 * or any object in the lake; and no secret is committed to the repository.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { redactingLog, redactLine, registerSecret } from '../../src/core/log.ts';
import { replayHttp } from '../support/replay-http.ts';
import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';
import { apiKeysFromEnv } from '../../src/core/ingest/api-keys.ts';
import { progressBar } from '../../src/core/ingest/progress-bar.ts';
import { runRefresh } from '../../src/core/ingest/refresh.ts';
import { REPO, snapshot } from '../crash/support.ts';

describe('the log masks secrets', () => {
  it('masks credential query parameters, secret environment values and registered values', () => {
    const env = {
      CENSUS_API_KEY: 'census-env-secret-1',
      AWS_SECRET_ACCESS_KEY: 'aws/Secret+Key/0123456789',
      OTHER: 'not-a-secret',
    };
    registerSecret('ssm-registered-secret-2');
    const line =
      'GET https://api.census.gov/x?get=A&key=abc123def&time=2025 failed: key census-env-secret-1 refused; ' +
      'aws aws/Secret+Key/0123456789; ssm ssm-registered-secret-2; plain not-a-secret';
    const masked = redactLine(line, env);
    expect(masked).toBe(
      'GET https://api.census.gov/x?get=A&key=***&time=2025 failed: key *** refused; aws ***; ssm ***; plain not-a-secret',
    );
    const lines: string[] = [];
    redactingLog((l) => lines.push(l), env)(line);
    expect(lines).toEqual([masked]);
  });

  it('registers every API key it reads, from the environment or through the parameter store seam', async () => {
    const keys = await apiKeysFromEnv(
      { COMTRADE_API_KEY_PARAM: '/chainwatch/comtrade' },
      async (name) => `value-of-${name}-7f3a`,
    );
    expect(keys.comtrade).toBe('value-of-/chainwatch/comtrade-7f3a');
    expect(redactLine('header Ocp-Apim-Subscription-Key: value-of-/chainwatch/comtrade-7f3a', {})).toBe(
      'header Ocp-Apim-Subscription-Key: ***',
    );
  });
});

describe('a keyed refresh whose services echo the keys back', () => {
  it('keeps both keys out of progress lines, HTTP events, errors, manifests, state and every lake object', async () => {
    const COMTRADE_KEY = 'ct-subscription-9d8c7b6a5f4e';
    const CENSUS_KEY = 'census-key-1a2b3c4d5e6f';
    const root = await mkdtemp(join(tmpdir(), 'chainwatch-secrets-'));
    try {
      const store = new FolderObjectStore(join(root, 'lake'));
      const lines: string[] = [];
      const log = redactingLog((l) => lines.push(l), {});
      const raw: string[] = [];
      const manifest = await runRefresh({
        store,
        runId: 'keyed',
        period: '2025-06',
        sources: ['comtrade', 'census'],
        env: { COMTRADE_API_KEY: COMTRADE_KEY, CENSUS_API_KEY: CENSUS_KEY },
        http: {
          http: replayHttp([
            {
              path: '/data/v1/get/C/A/HS',
              replies: [
                {
                  status: 401,
                  body: `{"statusCode":401,"message":"Access denied due to invalid subscription key ${COMTRADE_KEY}."}`,
                },
              ],
            },
            {
              path: '/imports/hs',
              replies: [{ status: 403, body: `Invalid key=${CENSUS_KEY} (echoed by the service)` }],
            },
            { path: '/exports/hs', replies: [{ status: 403, body: `Invalid key ${CENSUS_KEY}` }] },
          ]),
          sleep: async () => {},
          random: () => 0,
          policy: { retries: 0 },
          log: (event) => {
            raw.push(JSON.stringify(event));
            log(JSON.stringify(event));
          },
        },
        onProgress: progressBar((text) => {
          raw.push(text);
          log(text);
        }),
        overrides: { hs: ['854231'] },
        now: () => new Date('2025-08-05T06:00:00Z'),
      });
      expect(manifest.staleSources.sort()).toEqual(['census', 'comtrade']);
      expect(manifest.sources.comtrade.error?.message).toMatch(/HTTP 401/);
      // Even before the log masks them, the HTTP layer has redacted what it reports.
      for (const key of [COMTRADE_KEY, CENSUS_KEY]) {
        expect(raw.join('\n')).not.toContain(key);
        expect(lines.join('\n')).not.toContain(key);
        expect(JSON.stringify(manifest)).not.toContain(key);
      }
      const files = await snapshot(join(root, 'lake'));
      expect([...files.keys()]).toContain('_runs/keyed.json');
      for (const file of files.keys()) {
        const text = readFileSync(join(root, 'lake', file), 'latin1');
        expect(text.includes(COMTRADE_KEY) || text.includes(CENSUS_KEY), file).toBe(false);
      }
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('the repository holds no secret', () => {
  /** Shapes of real credentials: AWS key ids, private keys, and a long literal assigned to a key/secret/token/password name. */
  const SECRET_SHAPES: [string, RegExp][] = [
    ['AWS access key id', /\b(AKIA|ASIA)[0-9A-Z]{16}\b/],
    ['private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
    [
      'credential literal',
      /\b(api[_-]?key|secret|token|password|subscription[_-]?key)["']?\s*[:=]\s*["'][A-Za-z0-9/+_-]{24,}["']/i,
    ],
  ];

  it('has no credential in any tracked text file', () => {
    const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: REPO, encoding: 'utf8' })
      .split('\0')
      .filter(Boolean);
    const findings: string[] = [];
    for (const file of tracked.filter((f) => !/\.(parquet|png|jpg|gz|zip)$/.test(f))) {
      let text: string;
      try {
        text = readFileSync(join(REPO, file), 'utf8');
      } catch {
        continue; // listed but removed in the working tree
      }
      for (const [what, shape] of SECRET_SHAPES) if (shape.test(text)) findings.push(`${file}: ${what}`);
    }
    expect(tracked.length).toBeGreaterThan(100);
    expect(findings).toEqual([]);
  });
});
