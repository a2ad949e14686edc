/**
 * The production HTTP client against a real server on loopback: bodies with and without a length,
 * compressed, and cut short come back as the bytes that arrived (or, cut short, as an error).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchHttpClient } from '../../src/core/http/http-client.ts';

const BODY = Buffer.from(
  JSON.stringify({ data: Array.from({ length: 5_000 }, (_, i) => ({ i, name: `Côte d’Ivoire ${i}` })) }),
);
let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    const half = BODY.subarray(0, BODY.length >> 1);
    switch (req.url) {
      case '/length':
        res.writeHead(200, { 'content-length': String(BODY.length) });
        // Several writes, so the body arrives in several chunks.
        for (let at = 0; at < BODY.length; at += 10_000) res.write(BODY.subarray(at, at + 10_000));
        return void res.end();
      case '/chunked':
        res.writeHead(200);
        res.write(half);
        return void res.end(BODY.subarray(half.length));
      case '/gzip':
        res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': String(gzipSync(BODY).length) });
        return void res.end(gzipSync(BODY));
      case '/short':
        // Announces the whole body, sends half, then drops the connection.
        res.writeHead(200, { 'content-length': String(BODY.length) });
        res.write(half);
        return void setTimeout(() => res.destroy(), 20);
      default:
        res.writeHead(204);
        return void res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const get = (path: string) => fetchHttpClient({ url: base + path }, new AbortController().signal);

describe('fetchHttpClient', () => {
  it('reads a body of announced length, one without a length, and a compressed one to the same bytes', async () => {
    for (const path of ['/length', '/chunked', '/gzip']) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(Buffer.compare(Buffer.from(res.body), BODY), path).toBe(0);
    }
  });

  it('an empty 204 is an empty body', async () => {
    const res = await get('/none');
    expect([res.status, res.body.length]).toEqual([204, 0]);
  });

  it('a body cut short of its length is an error or the bytes received, never padding', async () => {
    const outcome = await get('/short').then(
      (res) => res.body,
      (e: Error) => e,
    );
    if (outcome instanceof Error) expect(outcome.message).toMatch(/terminated|closed|socket/i);
    else {
      expect(outcome.length).toBeLessThan(BODY.length);
      expect(Buffer.compare(Buffer.from(outcome), BODY.subarray(0, outcome.length))).toBe(0);
    }
  });
});
