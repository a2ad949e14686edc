import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve, sep } from 'node:path';
import { UsageError } from '../core/errors.ts';
import { contentTypeOf } from '../core/report/content-types.ts';
import { cspFor } from '../core/report/csp.ts';

export interface SiteServer {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  server: Server;
  close(): Promise<void>;
}

export interface ServeOptions {
  /** The built site folder. */
  root: string;
  /** 0 picks a free port. */
  port?: number;
  /** Loopback only by default: a preview is not a public server. */
  host?: string;
  /** One line per request (method, path, status). */
  onRequest?: (line: string) => void;
}

/**
 * The response headers CloudFront adds (infra/stacks/site.ts), so a preview behaves like the published
 * site: the CSP of the path, as CloudFront's cache behaviors pick it.
 */
const securityHeaders = (urlPath: string) => ({
  'Content-Security-Policy': cspFor(urlPath),
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
});

/** The file a URL path names, or undefined when it would leave the site folder. Folders serve their index.html, like CloudFront's default root object. */
async function fileFor(root: string, urlPath: string): Promise<string | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const path = resolve(join(root, decoded));
  if (path !== root && !path.startsWith(root + sep)) return undefined;
  const info = await stat(path).catch(() => undefined);
  if (info?.isDirectory()) {
    const index = join(path, 'index.html');
    return (await stat(index).catch(() => undefined))?.isFile() ? index : undefined;
  }
  return info?.isFile() ? path : undefined;
}

function respond(root: string, req: IncomingMessage, res: ServerResponse, log?: (line: string) => void): void {
  const done = (status: number) => log?.(`${req.method} ${req.url} ${status}`);
  const urlPath = new URL(req.url ?? '/', 'http://localhost').pathname;
  const headers = securityHeaders(urlPath);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD', ...headers }).end();
    done(405);
    return;
  }
  fileFor(root, urlPath).then(
    (file) => {
      if (!file) {
        res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', ...headers }).end('Not found\n');
        done(404);
        return;
      }
      res.writeHead(200, { 'Content-Type': contentTypeOf(file), 'Cache-Control': 'no-cache', ...headers });
      if (req.method === 'HEAD') res.end();
      else
        createReadStream(file)
          .on('error', () => res.destroy())
          .pipe(res);
      done(200);
    },
    () => {
      res.writeHead(500, headers).end();
      done(500);
    },
  );
}

/**
 * A static preview of a built site on loopback (node:http, no dependency): correct content types and
 * the CloudFront security headers, CSP included.
 */
export async function serveSite(options: ServeOptions): Promise<SiteServer> {
  const root = resolve(options.root);
  const info = await stat(root).catch(() => undefined);
  if (!info?.isDirectory())
    throw new UsageError(
      `There is no site folder at ${root}`,
      'Build the site first (chainwatch run, or chainwatch report), or pass --dir <site folder>.',
    );
  const host = options.host ?? '127.0.0.1';
  const server = createServer((req, res) => respond(root, req, res, options.onRequest));
  await new Promise<void>((ok, fail) => {
    server.once('error', (cause: NodeJS.ErrnoException) =>
      fail(
        cause.code === 'EADDRINUSE'
          ? new UsageError(
              `Port ${options.port} is already in use`,
              'Pass another port with --port, or --port 0 for any free port.',
              { cause },
            )
          : cause,
      ),
    );
    server.listen(options.port ?? 0, host, ok);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}/`,
    server,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        // Browsers keep connections alive; without this, close waits for them to time out.
        server.closeAllConnections();
      }),
  };
}
