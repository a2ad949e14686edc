import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
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
const index = JSON.parse(await readFile(join(root, 'api', 'index.json'), 'utf8')) as Record<
  string,
  Record<string, number>
>;

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
  if (url.searchParams.get('countOnly') === 'true') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ elapsedTime: '0 secs', count, data: { count: null }, error: '' }));
    return;
  }
  void (async () => {
    // The length is known from the files, so it is sent, as a server with the reply at hand would.
    const head = `{"elapsedTime":"0 secs","count":${count},"data":[`;
    const tail = '],"error":""}';
    const files = codes.map((code) => join(root, 'api', `${freq}-${period}`, `${code}.json`));
    const sizes = await Promise.all(files.map(async (f) => (await stat(f)).size));
    const length = head.length + tail.length + Math.max(0, files.length - 1) + sizes.reduce((n, s) => n + s, 0);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(length) });
    res.write(head);
    for (const [i, file] of files.entries()) {
      if (i > 0) res.write(',');
      await pipeFile(res, file);
    }
    res.end(tail);
  })().catch((error: unknown) => res.destroy(error as Error));
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 }));
});
// The harness ends this server by closing its stdin (or by its pid).
process.stdin.on('end', () => server.close(() => process.exit(0)));
process.stdin.resume();
