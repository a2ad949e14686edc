/**
 * A stand-in for the CloudFront KeyValueStore data-plane API. moto has no KeyValueStore and there is
 * no local emulator of it, so this is the one part of the publish path that is not real here. The
 * real SDK client still does everything it does in AWS — resolves the endpoint from the ARN,
 * serializes and signs each request (SigV4A) — and the stand-in, injected as the client's request
 * handler (or served over loopback HTTP to a Lambda bundle in a child process), records each request
 * and answers the calls the site pointer makes from an in-memory store: DescribeKeyValueStore
 * (the ETag), GetKey, and UpdateKeys with If-Match checked and a new ETag after every write.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { CloudFrontKeyValueStoreClient } from '@aws-sdk/client-cloudfront-keyvaluestore';

export const KVS_ARN = 'arn:aws:cloudfront::123456789012:key-value-store/0e5c2f6a-9d7b-4c1e-8f3a-2b6d4e8a1c90';

export interface KvsRequest {
  method: string;
  host: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const json = (status: number, value: unknown, headers: Record<string, string> = {}): Answer => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(value),
});
const error = (status: number, type: string, message: string): Answer =>
  json(status, { Message: message }, { 'x-amzn-errortype': type });

export class KvsStandIn {
  readonly requests: KvsRequest[] = [];
  readonly items = new Map<string, string>();
  private writes = 0;

  constructor(readonly arn = KVS_ARN) {}

  get etag(): string {
    return `KV${this.writes}`;
  }

  private stats() {
    return {
      ItemCount: this.items.size,
      TotalSizeInBytes: [...this.items].reduce((n, [k, v]) => n + k.length + v.length, 0),
    };
  }

  /** A write made outside the publish under test (another publisher, an operator): moves the ETag. */
  put(key: string, value: string): void {
    this.items.set(key, value);
    this.writes++;
  }

  answer(request: KvsRequest): Answer {
    this.requests.push(request);
    const base = `/key-value-stores/${encodeURIComponent(this.arn)}`;
    if (!request.path.startsWith(base)) return error(404, 'ResourceNotFoundException', 'Key value store not found');
    const rest = request.path.slice(base.length);
    if (request.method === 'GET' && rest === '') {
      return json(200, { KvsARN: this.arn, Created: 0, Status: 'READY', ...this.stats() }, { etag: this.etag });
    }
    const key = /^\/keys\/([^/]+)$/.exec(rest)?.[1];
    if (request.method === 'GET' && key !== undefined) {
      const value = this.items.get(decodeURIComponent(key));
      if (value === undefined) return error(404, 'ResourceNotFoundException', 'Key not found');
      return json(200, { Key: decodeURIComponent(key), Value: value, ...this.stats() });
    }
    if (request.method === 'POST' && rest === '/keys') {
      if (request.headers['if-match'] !== this.etag)
        return error(409, 'ConflictException', 'Resource is not in expected state');
      const { Puts = [], Deletes = [] } = JSON.parse(request.body) as {
        Puts?: { Key: string; Value: string }[];
        Deletes?: { Key: string }[];
      };
      for (const p of Puts) this.items.set(p.Key, p.Value);
      for (const d of Deletes) this.items.delete(d.Key);
      this.writes++;
      return json(200, this.stats(), { etag: this.etag });
    }
    return error(400, 'ValidationException', `The stand-in does not answer ${request.method} ${rest}`);
  }

  /** A real SDK client whose requests this stand-in answers instead of the network. */
  client(): CloudFrontKeyValueStoreClient {
    const handle = async (request: {
      method: string;
      hostname: string;
      path: string;
      headers: Record<string, string>;
      body?: unknown;
    }) => {
      // The SDK's JSON body is a Uint8Array (read its bytes; its string methods are deprecated) or a string.
      const raw = request.body;
      const body =
        raw === undefined
          ? ''
          : raw instanceof Uint8Array
            ? Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8')
            : String(raw);
      const a = this.answer({
        method: request.method,
        host: request.hostname,
        path: request.path,
        headers: request.headers,
        body,
      });
      return { response: { statusCode: a.status, headers: a.headers, body: Readable.from([Buffer.from(a.body)]) } };
    };
    return new CloudFrontKeyValueStoreClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      requestHandler: { handle } as never,
    });
  }

  /**
   * The stand-in on loopback HTTP, for a Lambda bundle in a child process: preload
   * test/support/kvs-redirect.mjs there with KVS_STAND_IN set to the returned URL.
   */
  async serve(): Promise<{ url: string; close: () => Promise<void> }> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
        const a = this.answer({
          method: req.method!,
          host: headers['x-original-host'] ?? headers.host,
          path: req.url!,
          headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        res.writeHead(a.status, a.headers).end(a.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
  }
}
