import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the proxy does with one request: pass it to S3 (moto), or answer with an S3 error of its own. */
type ProxyDecision = 'forward' | { status: number; code: string; message: string };

export interface S3FaultProxy {
  endpoint: string;
  /** Requests seen, as `METHOD /bucket/key`, with what was done. */
  readonly log: { request: string; decision: ProxyDecision }[];
  setRule(rule: (method: string, path: string) => ProxyDecision): void;
  close(): Promise<void>;
}

const errorXml = (code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>chainwatch-fault</RequestId></Error>`;

/**
 * A loopback HTTP proxy in front of moto's S3 that answers chosen requests with an S3 error (503
 * SlowDown, 500 InternalError, …) instead of forwarding them: faults injected on the wire, so the
 * real S3 client — its retries, its error parsing — and the real S3ObjectStore handle them.
 */
export async function startS3FaultProxy(target: string): Promise<S3FaultProxy> {
  const upstream = new URL(target);
  let rule: (method: string, path: string) => ProxyDecision = () => 'forward';
  const log: S3FaultProxy['log'] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    const path = decodeURIComponent((req.url ?? '').split('?')[0]);
    const decision = rule(req.method ?? 'GET', path);
    log.push({ request: `${req.method} ${path}`, decision });
    if (decision !== 'forward') {
      req.resume();
      req.on('end', () => {
        res.writeHead(decision.status, { 'content-type': 'application/xml' });
        res.end(errorXml(decision.code, decision.message));
      });
      return;
    }
    const out = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', (e) => {
      res.writeHead(502);
      res.end(String(e));
    });
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    log,
    setRule: (r) => (rule = r),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
