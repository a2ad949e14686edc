/**
 * A live ingest that cannot fetch ends non-zero with the real cause, on real sockets: a loopback
 * server that answers 503, a loopback port that refuses, and a host that no DNS resolves (.invalid
 * is reserved for that). The requests go through Node's fetch; only the host of each URL is swapped.
 */
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveIngestStep } from '../../src/cli/ingest-step.ts';
import { SourceError } from '../../src/core/errors.ts';
import { fetchHttpClient } from '../../src/core/http/http-client.ts';
import type { HttpContext } from '../../src/core/http/retry.ts';

let dir: string;
let unavailable: Server;
let unavailablePort: number;
let refusedPort: number;

const listen = (server: Server) =>
  new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chainwatch-live-fail-'));
  unavailable = createServer((_req, res) =>
    res.writeHead(503, { 'content-type': 'text/plain' }).end('down for maintenance'),
  );
  unavailablePort = await listen(unavailable);
  // A port that was just listening and is closed now: connecting to it is refused.
  const closed = createServer();
  refusedPort = await listen(closed);
  await new Promise((resolve) => closed.close(resolve));
});

afterAll(async () => {
  await new Promise((resolve) => unavailable.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

/** Node's fetch against `origin` instead of the source's host; two attempts, no waiting between them. */
const redirectedTo = (origin: string): HttpContext => ({
  http: (request, signal) => fetchHttpClient({ ...request, url: origin + new URL(request.url).pathname }, signal),
  policy: { retries: 1, baseDelayMs: 0 },
  sleep: async () => {},
});

async function failure(origin: string, name: string): Promise<SourceError> {
  const lines: string[] = [];
  const error = await liveIngestStep(
    { lake: join(dir, name), outDir: join(dir, 'site'), log: (l) => lines.push(l), http: redirectedTo(origin) },
    { source: 'usgs' },
  ).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(SourceError);
  // The run still reported the source as stale, its last good data kept.
  expect(lines.join('\n')).toMatch(/ingest {3}usgs: .*STALE/);
  return error as SourceError;
}

describe('a live ingest that cannot fetch fails with the cause', () => {
  it('names the HTTP status a server answered with', async () => {
    const error = await failure(`http://127.0.0.1:${unavailablePort}`, 'lake-503');
    expect(error.message).toMatch(
      /^usgs failed: usgs: .* failed after 2 attempts; last: HTTP 503: down for maintenance$/,
    );
    expect(error.hint).toMatch(/service looks unavailable/);
  });

  it('says the connection was refused, and where', async () => {
    const error = await failure(`http://127.0.0.1:${refusedPort}`, 'lake-refused');
    expect(error.message).toMatch(
      new RegExp(`last: connection refused \\(ECONNREFUSED 127\\.0\\.0\\.1:${refusedPort}\\)$`),
    );
    expect(error.hint).toMatch(/check the network and DNS/);
  });

  it('says the host name did not resolve', async () => {
    const error = await failure('http://chainwatch-test.invalid', 'lake-dns');
    expect(error.message).toMatch(/last: DNS lookup failed.* \((ENOTFOUND|EAI_AGAIN) chainwatch-test\.invalid\)$/);
  });
});
