import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

/**
 * A local stand-in for the UN Comtrade API v1, serving the generator's records on 127.0.0.1 so the
 * ingest benchmark runs chainwatch's real connector (countOnly sizing, splitting, envelope parsing,
 * raw landing) with no network. It only concatenates pre-serialized files: the cost of a reply stays
 * in this process, never in the one being measured. Prints `{"port": N}` once listening.
 */
const { values } = parseArgs({ options: { raw: { type: 'string' } } });
const root = values.raw!;
const index = JSON.parse(await readFile(join(root, 'api', 'index.json'), 'utf8')) as Record<string, Record<string, number>>;

async function pipeFile(res: ServerResponse, path: string): Promise<void> {
  for await (const chunk of createReadStream(path)) {
    if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
  }
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const freq = /\/C\/([AM])\/HS$/.exec(url.pathname)?.[1];
  const period = url.searchParams.get('period') ?? '';
  const counts = index[`${freq}-${period}`] ?? {};
  const codes = (url.searchParams.get('cmdCode') ?? '').split(',').filter((c) => counts[c] > 0);
  const count = codes.reduce((n, c) => n + counts[c], 0);
  res.writeHead(200, { 'content-type': 'application/json' });
  if (url.searchParams.get('countOnly') === 'true') {
    res.end(JSON.stringify({ elapsedTime: '0 secs', count, data: { count: null }, error: '' }));
    return;
  }
  void (async () => {
    res.write(`{"elapsedTime":"0 secs","count":${count},"data":[`);
    for (const [i, code] of codes.entries()) {
      if (i > 0) res.write(',');
      await pipeFile(res, join(root, 'api', `${freq}-${period}`, `${code}.json`));
    }
    res.end('],"error":""}');
  })().catch((error: unknown) => res.destroy(error as Error));
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 }));
});
// The harness ends this server by closing its stdin (or by its pid).
process.stdin.on('end', () => server.close(() => process.exit(0)));
process.stdin.resume();
