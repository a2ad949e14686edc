import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { serveSite } from './serve-site.ts';
import { UsageError } from '../core/errors.ts';
import type { CommandIO } from './query.ts';

const SERVE_HELP = `chainwatch serve — preview the built report site on this machine

Usage: chainwatch serve [--dir <site>] [--port <n>]

Serves the site folder on http://127.0.0.1 (loopback only) with the same Content-Security-Policy
and security headers CloudFront sends, so what works here works when published. Stop with Ctrl-C.

Options:
  -d, --dir <site>   the built site folder (default site/)
  -p, --port <n>     port (default 8080; 0 picks a free one)
  -q, --quiet        do not log requests
  -h, --help         show this help`;

const DEFAULT_PORT = 8080;

function parsePort(text: string | undefined): number {
  if (text === undefined) return DEFAULT_PORT;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new UsageError(
      `--port "${text}" is not a port number`,
      'Pass a whole number from 0 to 65535 (0 picks a free port).',
    );
  return port;
}

/**
 * `chainwatch serve`: runs until Ctrl-C (SIGINT/SIGTERM) or until `stop` is aborted, then closes the
 * server and returns.
 */
export async function serveCommand(args: string[], io: CommandIO, stop?: AbortSignal): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      dir: { type: 'string', short: 'd', default: 'site' },
      port: { type: 'string', short: 'p' },
      quiet: { type: 'boolean', short: 'q' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return io.out(SERVE_HELP);
  const site = await serveSite({
    root: values.dir!,
    port: parsePort(values.port),
    onRequest: values.quiet ? undefined : io.err,
  });
  io.out(`chainwatch serve: ${values.dir} at ${site.url} (latest release: ${site.url}latest/) — Ctrl-C to stop`);
  const ended = new AbortController();
  const signals = ['SIGINT', 'SIGTERM'] as const;
  const end = () => ended.abort();
  for (const s of signals) process.once(s, end);
  stop?.addEventListener('abort', end, { once: true });
  try {
    if (!ended.signal.aborted && !stop?.aborted) await once(ended.signal, 'abort');
  } finally {
    for (const s of signals) process.off(s, end);
    stop?.removeEventListener('abort', end);
    await site.close();
  }
}
