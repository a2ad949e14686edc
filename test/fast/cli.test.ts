import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';

const capture = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, o: (l: string) => out.push(l), e: (l: string) => err.push(l) };
};

describe('chainwatch CLI', () => {
  it('prints help and exits 0', async () => {
    const c = capture();
    expect(await main(['--help'], c.o, c.e)).toBe(0);
    expect(c.out.join('\n')).toMatch(/Usage: chainwatch <command>/);
  });

  it('rejects an unknown command with a one-line reason and exit code 2', async () => {
    const c = capture();
    expect(await main(['frobnicate'], c.o, c.e)).toBe(2);
    expect(c.err.join('\n')).toMatch(/Unknown command "frobnicate"[\s\S]*chainwatch --help/);
  });

  it('rejects an unknown option with exit code 2', async () => {
    const c = capture();
    expect(await main(['run', '--nope'], c.o, c.e)).toBe(2);
    expect(c.err.join('\n')).toMatch(/--nope/);
  });
});

describe('chainwatch ingest and refresh options', () => {
  it('prints the requests of a live ingest with --dry-run and fetches nothing', async () => {
    const c = capture();
    const dir = await mkdtemp(join(tmpdir(), 'chainwatch-dry-'));
    try {
      const code = await main(
        [
          'ingest',
          '--source',
          'comtrade',
          '--from',
          '2023',
          '--to',
          '2023',
          '--hs',
          '280530',
          '--dry-run',
          '--lake',
          dir,
        ],
        c.o,
        c.e,
      );
      expect(c.err).toEqual([]);
      expect(code).toBe(0);
      expect(c.out.filter((l) => l.startsWith('comtrade GET https://comtradeapi.un.org/'))).toHaveLength(2); // flows M and X
      expect(c.out.join('\n')).toMatch(/cmdCode=280530/);
      expect(c.out.at(-1)).toBe('2 request(s) planned; nothing was fetched (--dry-run).');
      expect(await readdir(dir)).toEqual([]); // nothing landed
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses an unknown source, an unknown live source, and live options on the bundled source', async () => {
    for (const args of [
      ['ingest', '--source', 'nope'],
      ['refresh', '--sources', 'comtrade,nope', '--dry-run'],
      ['ingest', '--hs', '280530'],
    ]) {
      const c = capture();
      expect(await main(args, c.o, c.e)).toBe(2);
      expect(c.err[0]).toMatch(/^chainwatch: .+\n {2}→ /);
    }
  });

  it('refuses a --base-url that is not an absolute http(s) address, or on a command that builds no site, before anything runs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chainwatch-base-url-'));
    try {
      const where = ['--lake', join(dir, 'lake'), '--out', join(dir, 'site')];
      for (const args of [
        ['run', ...where, '--base-url', 'd111111abcdef8.cloudfront.net'],
        ['run', ...where, '--base-url', 'ftp://example.org/'],
        ['metrics', '--lake', join(dir, 'lake'), '--base-url', 'https://example.org/'],
      ]) {
        const c = capture();
        expect(await main(args, c.o, c.e), args.join(' ')).toBe(2);
        expect(c.err[0]).toMatch(/^chainwatch: .*(base URL|--base-url).*\n {2}→ /);
      }
      // Nothing ran: no lake, no site.
      expect(await readdir(dir)).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses the local metrics step on an s3:// lake with what to do instead', async () => {
    const c = capture();
    expect(await main(['metrics', '--lake', 's3://bucket/lake'], c.o, c.e)).toBe(2);
    expect(c.err[0]).toMatch(/folder lake[\s\S]*Athena/);
  });
});

describe('secrets never reach the CLI output', () => {
  it('masks an API key from the environment in every printed line', async () => {
    const secret = 'cli-test-secret-9f3a';
    const previous = process.env.COMTRADE_API_KEY;
    process.env.COMTRADE_API_KEY = secret;
    try {
      const c = capture();
      const code = await main(
        ['ingest', '--source', 'comtrade', '--from', '2023', '--to', '2023', '--hs', '280530', '--dry-run'],
        c.o,
        c.e,
      );
      expect(code).toBe(0);
      expect(c.out.join('\n')).toMatch(/comtrade GET/);
      expect([...c.out, ...c.err].join('\n')).not.toContain(secret);
      // The mask is on the sink itself: even a line that carried the key verbatim is masked.
      const direct = capture();
      await main(['frobnicate-' + secret], direct.o, direct.e);
      expect(direct.err.join('\n')).not.toContain(secret);
    } finally {
      if (previous === undefined) delete process.env.COMTRADE_API_KEY;
      else process.env.COMTRADE_API_KEY = previous;
    }
  });
});

describe('metrics after an interrupted ingest', () => {
  it('refuses to compute over a half-applied commit and says which ingest to re-run', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chainwatch-pending-'));
    try {
      const lake = join(dir, 'lake');
      expect(
        await main(
          ['ingest', '--lake', lake],
          () => {},
          () => {},
        ),
      ).toBe(0);
      // What a kill between the commit marker and the end of the write-out leaves behind.
      const marker = join(lake, '_staging', 'ingest', 'bundled', 'run-killed');
      await mkdir(marker, { recursive: true });
      await writeFile(join(marker, '_COMMIT.json'), '{}');
      const c = capture();
      expect(await main(['metrics', '--lake', lake], c.o, c.e)).toBe(1);
      expect(c.err[0]).toMatch(/interrupted ingest of bundled[\s\S]*chainwatch ingest --source bundled/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('every command explains itself and checks the lake the same way', () => {
  const COMMANDS = [
    'run',
    'ingest',
    'refresh',
    'metrics',
    'report',
    'query',
    'shell',
    'export-views',
    'serve',
    'smoke',
  ];

  it('lists exactly these commands in the global help', async () => {
    const c = capture();
    await main(['--help'], c.o, c.e);
    const listed = c.out
      .join('\n')
      .match(/^ {2}([a-z-]+) {2,}/gm)!
      .map((l) => l.trim().split(/\s+/)[0]);
    expect(listed).toEqual(COMMANDS);
  });

  it.each(COMMANDS)('"chainwatch %s --help" prints that command’s usage, exits 0 and runs nothing', async (name) => {
    const dir = await mkdtemp(join(tmpdir(), 'chainwatch-help-'));
    try {
      const c = capture();
      const lake = join(dir, 'lake');
      // serve and smoke read no lake; the others are given one that must not be made.
      const lakeArgs = name === 'serve' || name === 'smoke' ? [] : ['--lake', lake];
      expect(await main([name, '--help', ...lakeArgs], c.o, c.e)).toBe(0);
      expect(c.out.join('\n')).toMatch(new RegExp(`^chainwatch ${name} — `));
      expect(c.err).toEqual([]);
      expect(await readdir(dir)).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a missing or foreign --lake is the same clear error for query, shell, export-views and report', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chainwatch-lakecheck-'));
    try {
      const foreign = join(dir, 'papers');
      await mkdir(foreign);
      await writeFile(join(foreign, 'thesis.txt'), 'mine');
      const site = join(dir, 'site');
      for (const [lake, message] of [
        [join(dir, 'typo'), `chainwatch: There is no chainwatch lake at ${join(dir, 'typo')}/`],
        [
          foreign,
          `chainwatch: ${foreign}/ is not a chainwatch lake: it holds "thesis.txt" and no _chainwatch-lake.json`,
        ],
      ]) {
        for (const args of [['query', 'SELECT 1'], ['shell'], ['export-views'], ['report', '--out', site]]) {
          const c = capture();
          expect(await main([...args, '--lake', lake], c.o, c.e), `${args[0]} ${lake}`).toBe(2);
          expect(c.err.join('\n').split('\n')[0], args[0]).toBe(message);
          expect(c.out).toEqual([]);
        }
      }
      // Nothing was made: not the mistyped lake, not a marker in the foreign folder, not the site.
      expect((await readdir(dir)).sort()).toEqual(['papers']);
      expect(await readdir(foreign)).toEqual(['thesis.txt']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
