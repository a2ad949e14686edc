/**
 * A real S3/Athena API on loopback for tests: moto_server. Starting one costs about a second of CPU
 * and its first requests load each AWS service it mocks, so the system lane starts a small pool once
 * per run (test/support/moto-pool.ts, one server per test worker) and a test file borrows one in
 * beforeAll (`claimMoto()`) and gives it back in afterAll (`stop()`). A borrowed server is reset first,
 * so no bucket, canned Athena result or state transition leaks from one file to another; files never
 * share a server at the same time. `startMoto()` starts a private server, for a test that needs more.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, closeSync, constants, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AthenaClient,
  type GetQueryResultsCommandInput,
  type GetQueryResultsCommandOutput,
} from '@aws-sdk/client-athena';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { inject } from 'vitest';
import { scaled } from './slowdown.ts';

export interface Moto {
  endpoint: string;
  stop(): Promise<void>;
}

const MISSING =
  "python3 not found: moto_server runs on it; install Python 3 and `pip install 'moto[server]'` (npm test installs moto: scripts/test-tools.mjs)";
/** moto_server without its per-request service lookup and request log (the script says why). */
const SERVER = fileURLToPath(new URL('moto-server.py', import.meta.url));

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** python3 may be a pyenv shim or a venv wrapper: kill the server's whole process group, not just the shim. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // the group is already gone
  }
}

/**
 * Wait for moto's "Running on http://127.0.0.1:<port>" line in its log file: it binds port 0, so the
 * OS picks a free port and no other process can race us to it.
 */
async function announcedEndpoint(child: ChildProcess, log: () => string): Promise<string> {
  const deadline = Date.now() + scaled(30_000);
  let failure: Error | undefined;
  const onExit = (code: number | null) =>
    (failure = new Error(`moto_server exited before serving (code ${code}):\n${log()}`));
  const onError = (e: NodeJS.ErrnoException) => (failure = e.code === 'ENOENT' ? new Error(MISSING) : e);
  child.once('exit', onExit);
  child.once('error', onError);
  try {
    for (;;) {
      const match = /Running on (http:\/\/127\.0\.0\.1:\d+)/.exec(log());
      if (match) return match[1];
      if (failure) throw failure;
      if (Date.now() > deadline) throw new Error(`moto_server did not start within ${scaled(30)} s:\n${log()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    child.off('exit', onExit);
    child.off('error', onError);
  }
}

async function answering(endpoint: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await fetch(`${endpoint}/moto-api/data.json`);
      return;
    } catch (error) {
      if (attempt >= 50) throw new Error(`moto_server on ${endpoint} does not answer: ${(error as Error).message}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export async function startMoto(): Promise<Moto> {
  if (!onPath('python3')) throw new Error(MISSING);
  // moto's stderr (its errors; moto-server.py drops the per-request log) goes to a file, not a pipe: a pipe drained
  // by this process fills up and blocks the server whenever this event loop waits (a test's spawnSync of a Lambda bundle).
  const logDir = mkdtempSync(join(tmpdir(), 'moto-log-'));
  const logFile = join(logDir, 'stderr.log');
  const logFd = openSync(logFile, 'w');
  const child = spawn('python3', [SERVER, '-H', '127.0.0.1', '-p', '0'], {
    detached: true, // own process group, so stop() reaches the Python process behind any wrapper
    stdio: ['ignore', 'ignore', logFd],
  });
  closeSync(logFd);
  const stderr = () => readFileSync(logFile, 'utf8').slice(-4000);
  // If the test worker dies without afterAll, do not leave a server behind.
  const onExit = () => killGroup(child, 'SIGKILL');
  process.once('exit', onExit);

  let endpoint: string;
  try {
    endpoint = await announcedEndpoint(child, stderr);
    await answering(endpoint);
  } catch (e) {
    killGroup(child, 'SIGKILL');
    process.removeListener('exit', onExit);
    rmSync(logDir, { recursive: true, force: true });
    throw e;
  }

  return {
    endpoint,
    async stop() {
      process.removeListener('exit', onExit);
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        killGroup(child, 'SIGTERM');
        const timer = setTimeout(() => killGroup(child, 'SIGKILL'), scaled(5000));
        await exited;
        clearTimeout(timer);
      }
      rmSync(logDir, { recursive: true, force: true });
    },
  };
}

/** The servers the system lane's global setup started, and the folder where a file marks the one it holds. */
interface MotoPool {
  endpoints: string[];
  locks: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    motoPool?: MotoPool;
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Borrow a server of the run's pool, reset to a fresh state, until `stop()`; without a pool (vitest
 * started without the system lane's global setup) a private server. A server is held by one test file
 * at a time: its lock folder names the holder's pid, so one held by a worker that died is taken back.
 */
export async function claimMoto(): Promise<Moto> {
  const pool = inject('motoPool');
  if (!pool) return startMoto();
  const deadline = Date.now() + scaled(300_000);
  for (;;) {
    for (const [i, endpoint] of pool.endpoints.entries()) {
      const lock = join(pool.locks, String(i));
      try {
        await mkdir(lock);
      } catch {
        const holder = Number(await readFile(join(lock, 'pid'), 'utf8').catch(() => ''));
        if (holder && !alive(holder)) await rm(lock, { recursive: true, force: true });
        continue;
      }
      await writeFile(join(lock, 'pid'), String(process.pid));
      const onExit = () => rmSync(lock, { recursive: true, force: true });
      process.once('exit', onExit);
      const release = async () => {
        process.removeListener('exit', onExit);
        await rm(lock, { recursive: true, force: true });
      };
      try {
        await resetMoto(endpoint);
      } catch (e) {
        await release();
        throw e;
      }
      return { endpoint, stop: release };
    }
    if (Date.now() > deadline) throw new Error(`no moto_server of the pool came free within ${scaled(300)} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Back to a fresh server: every service's state (buckets, stacks, queued Athena results) and what the
 * tests change of moto's own settings — the Step Functions interpreter and the held Athena executions.
 */
async function resetMoto(endpoint: string): Promise<void> {
  await motoApi(endpoint, 'reset', {});
  await motoApi(endpoint, 'config', { stepfunctions: { execute_state_machine: false } });
  await releaseAthenaQueries(endpoint);
}

const clientConfig = (endpoint: string) => ({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
});

/** The same region and credentials as environment variables, for code that builds its own SDK clients (the Lambda handlers, the CLI). */
export const MOTO_SDK_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
} as const;

export const s3ClientFor = (endpoint: string): S3Client =>
  new S3Client({ ...clientConfig(endpoint), forcePathStyle: true });

export const athenaClientFor = (endpoint: string): AthenaClient => new AthenaClient(clientConfig(endpoint));

export const sfnClientFor = (endpoint: string): SFNClient => new SFNClient(clientConfig(endpoint));

export const cloudFormationClientFor = (endpoint: string): CloudFormationClient =>
  new CloudFormationClient(clientConfig(endpoint));

/** Make moto run Step Functions executions (its interpreter of the state language) instead of leaving them RUNNING. */
export const executeStateMachines = (endpoint: string): Promise<void> =>
  motoApi(endpoint, 'config', { stepfunctions: { execute_state_machine: true } });

/** POST a JSON body to moto's own control API (not an AWS API). */
async function motoApi(endpoint: string, path: string, body: unknown): Promise<void> {
  const response = await fetch(`${endpoint}/moto-api/${path}`, { method: 'POST', body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`moto-api/${path} answered ${response.status}: ${await response.text()}`);
}

/** One canned Athena result: rows as Athena returns them (header row first for a SELECT) and the column metadata. */
export interface CannedAthenaResult {
  rows: { Data: { VarCharValue?: string }[] }[];
  column_info: { Name: string; Label?: string; Type: string; Nullable?: string }[];
}

/**
 * Queue canned results in moto's Athena (us-east-1, default account). moto does not run SQL: each
 * StartQueryExecution takes the next queued result, in order; with the queue empty a query has no rows.
 */
export const queueAthenaResults = (endpoint: string, results: CannedAthenaResult[]): Promise<void> =>
  motoApi(endpoint, 'static/athena/query-results', { region: 'us-east-1', results });

/**
 * Hold Athena executions in QUEUED (moto normally reports SUCCEEDED on the first GetQueryExecution),
 * so a test can act while a query "runs"; `releaseAthenaQueries` restores the default.
 */
export const holdAthenaQueries = (endpoint: string): Promise<void> =>
  motoApi(endpoint, 'state-manager/set-transition', {
    model_name: 'athena::execution',
    transition: { progression: 'manual', times: 1_000_000_000 },
  });

export const releaseAthenaQueries = (endpoint: string): Promise<void> =>
  motoApi(endpoint, 'state-manager/unset-transition', { model_name: 'athena::execution' });

/**
 * moto 5.2.1 returns every result row in one GetQueryResults answer and ignores MaxResults and
 * NextToken. Real Athena pages (≤ 1000 rows, the header row counted on page one). This client
 * middleware cuts moto's real answer into the pages Athena would send, so the engine's paging
 * runs against the same request/response shapes. Returns the NextToken of every request made.
 */
export function pageResultsLikeAthena(client: AthenaClient): { requestedTokens: (string | undefined)[] } {
  const seen = { requestedTokens: [] as (string | undefined)[] };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'GetQueryResultsCommand') return next(args);
      const input = args.input as GetQueryResultsCommandInput;
      seen.requestedTokens.push(input.NextToken);
      const result = await next(args);
      const output = result.output as GetQueryResultsCommandOutput;
      const all = output.ResultSet?.Rows ?? [];
      const start = Number(input.NextToken ?? 0);
      const end = start + (input.MaxResults ?? 1000);
      const page = {
        ...output,
        ResultSet: { ...output.ResultSet, Rows: all.slice(start, end) },
        NextToken: end < all.length ? String(end) : undefined,
      };
      return { ...result, output: page };
    },
    { step: 'initialize', name: 'pageResultsLikeAthena' },
  );
  return seen;
}
