/**
 * `chainwatch shell` as a person uses it: the real CLI runs in a pseudo-terminal
 * (test/support/pty-relay.py), the test types keys and reads what the terminal shows. The CLI is
 * compiled as npm ci compiles it, into this test's folder (so the code tested is the code here, whatever
 * dist/ holds); a small lake (the report fixture) is written once; each session gets a state folder of
 * its own for its history.
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { copyFile, mkdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';
import { PROJECT_ROOT } from '../../src/core/project-root.ts';
import { CLI_BUILD } from '../../scripts/build.mjs';
import { writeFixtureLake } from '../fixtures/report/fixture-lake.ts';
import { scaled } from '../support/slowdown.ts';

const RELAY = join(PROJECT_ROOT, 'test', 'support', 'pty-relay.py');
const KEY = { enter: '\r', tab: '\t', up: '\x1b[A', ctrlC: '\x03', ctrlD: '\x04' };
const PROMPT = 'chainwatch> ';

/** Inside the checkout (git-ignored), so the compiled CLI finds node_modules and the project's files. */
const dir = join(PROJECT_ROOT, '.tmp', `shell-tty-${process.pid}`);
const lake = join(dir, 'lake');

beforeAll(async () => {
  const python = spawnSync('python3', ['-c', 'import pty, termios'], { encoding: 'utf8' });
  if (python.error || python.status !== 0) {
    throw new Error(
      `The shell's terminal tests drive it through Python's pty module, and python3 cannot run it (${python.error?.message ?? python.stderr}). Install it: apt-get install python3`,
    );
  }
  await build({ ...CLI_BUILD, outdir: join(dir, 'dist') });
  await mkdir(join(dir, 'bin'));
  await copyFile(join(PROJECT_ROOT, 'bin', 'chainwatch.js'), join(dir, 'bin', 'chainwatch.js'));
  await writeFixtureLake(new FolderObjectStore(lake));
});

/** Sessions a failed test left running: closing the terminal hangs up the shell (SIGHUP) with its query. */
const opened: Terminal[] = [];
afterEach(async () => {
  for (const terminal of opened.splice(0)) await terminal.hangUp();
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** What the terminal shows, without its control sequences (cursor moves, line clears) and carriage returns. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: an escape sequence starts with the ESC character
const visible = (raw: string): string => raw.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');

/** One `chainwatch shell` in a 200×50 pseudo-terminal. */
class Terminal {
  private raw = '';
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly exited: Promise<number | null>;
  private waiting?: () => void;

  constructor(stateHome: string) {
    this.child = spawn(
      'python3',
      [RELAY, '200', '50', process.execPath, join(dir, 'bin', 'chainwatch.js'), 'shell', '--lake', lake],
      { env: { ...process.env, XDG_STATE_HOME: stateHome, TERM: 'xterm' } },
    );
    this.child.stdout.on('data', (chunk: Buffer) => {
      this.raw += chunk.toString('utf8');
      this.waiting?.();
    });
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  /** Where the terminal's output is now; `waitFor` reads from such a mark on. */
  mark(): number {
    return this.raw.length;
  }

  /** The text shown since `from` once it matches `pattern` (a hung shell fails the test with what it showed). */
  async waitFor(pattern: RegExp, from: number): Promise<string> {
    const deadline = Date.now() + scaled(30_000);
    for (;;) {
      const text = visible(this.raw.slice(from));
      if (pattern.test(text)) return text;
      if (Date.now() > deadline || this.child.exitCode !== null)
        throw new Error(`The terminal never showed ${pattern}; it shows:\n${visible(this.raw)}`);
      await new Promise<void>((resolve) => {
        this.waiting = resolve;
        setTimeout(resolve, 200);
      });
    }
  }

  /** Type keys, then wait until the shell shows its prompt again after them; resolves with what it showed. */
  async enter(keys: string, prompt = PROMPT): Promise<string> {
    const from = this.mark();
    this.type(keys);
    const shown = await this.waitFor(new RegExp(`${literal(prompt)}$`), from);
    return shown.slice(0, -prompt.length);
  }

  type(keys: string): void {
    this.child.stdin.write(keys);
  }

  /** The exit code once the shell ends. */
  async end(): Promise<number | null> {
    const deadline = setTimeout(() => this.child.kill(), scaled(30_000));
    const code = await this.exited;
    clearTimeout(deadline);
    return code;
  }

  async hangUp(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill();
    await this.exited;
  }

  static async open(stateHome: string): Promise<Terminal> {
    const terminal = new Terminal(stateHome);
    opened.push(terminal);
    await terminal.waitFor(new RegExp(`${literal(PROMPT)}$`), 0);
    return terminal;
  }
}

const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe(
  'chainwatch shell at a terminal',
  () => {
    it('keeps its history in the state folder: the next session recalls a statement with the Up arrow', async () => {
      const stateHome = join(dir, 'state-history');
      const first = await Terminal.open(stateHome);
      expect(await first.enter(`SELECT 41 + 1 AS answer;${KEY.enter}`)).toMatch(/answer\n-+\n\s*42\n\(1 row\)/);
      first.type(KEY.ctrlD);
      expect(await first.end()).toBe(0);

      const file = join(stateHome, 'chainwatch', 'history');
      expect(await readFile(file, 'utf8')).toBe('SELECT 41 + 1 AS answer;\n');
      expect((await stat(file)).mode & 0o777).toBe(0o600);

      const second = await Terminal.open(stateHome);
      const from = second.mark();
      second.type(KEY.up);
      await second.waitFor(/SELECT 41 \+ 1 AS answer;$/, from);
      expect(await second.enter(KEY.enter)).toMatch(/answer\n-+\n\s*42\n\(1 row\)/);
      second.type(`.quit${KEY.enter}`);
      expect(await second.end()).toBe(0);
    });

    it('Tab completes tables, columns, keywords and saved queries; Ctrl-C cancels a running statement, and at the prompt clears the line', async () => {
      const shell = await Terminal.open(join(dir, 'state-keys'));
      let from = shell.mark();
      shell.type(`SELECT partner_iso${KEY.tab}`);
      await shell.waitFor(/SELECT partner_iso3$/, from);
      shell.type(` FROM trade_fl${KEY.tab}`);
      await shell.waitFor(/FROM trade_flows$/, from);
      // What Tab inserted is in the statement: it runs.
      expect(await shell.enter(` ORDER BY 1 LIMIT 1;${KEY.enter}`)).toMatch(/partner_iso3\n-+\n\w{3}\n\(1 row\)/);

      // Keywords complete in the case they were started in; a saved query's name and then its parameters.
      from = shell.mark();
      shell.type(`sel${KEY.tab}`);
      await shell.waitFor(/select$/, from);
      expect(await shell.enter(` 6 AS six;${KEY.enter}`)).toMatch(/six\n-+\n\s*6\n\(1 row\)/);
      from = shell.mark();
      shell.type(`.saved top_sup${KEY.tab}`);
      await shell.waitFor(/\.saved top_suppliers$/, from);
      shell.type(` top${KEY.tab}`);
      await shell.waitFor(/\.saved top_suppliers top_n=$/, from);
      expect(await shell.enter(`1 hs=854231 year=2024${KEY.enter}`)).toMatch(/^rank +partner_iso3[\s\S]*\(1 row\)\n$/m);

      // A cross join of a million rows with a million runs for hours unless DuckDB stops it.
      from = shell.mark();
      shell.type(`SELECT sum(a.range * b.range) AS s FROM range(1000000) a, range(1000000) b;${KEY.enter}`);
      // The portability warnings print just before the statement starts.
      await shell.waitFor(/will not run on Athena[^\n]*\n$/, from);
      shell.type(KEY.ctrlC);
      const cancelled = await shell.waitFor(new RegExp(`Cancelled\\.\\n${literal(PROMPT)}$`), from);
      expect(cancelled).not.toMatch(/\(1 row\)/);

      // At the prompt, Ctrl-C drops the typed text (it stays on screen, marked ^C); the session goes on.
      expect(await shell.enter(`SELECT nonsense${KEY.ctrlC}`)).toMatch(/SELECT nonsense\^C\n$/);
      expect(await shell.enter(`SELECT 7 AS seven;${KEY.enter}`)).toMatch(/seven\n-+\n\s*7\n\(1 row\)/);
      shell.type(KEY.ctrlD);
      expect(await shell.end()).toBe(0);
    });

    it('runs the dot-commands and statements over several lines', async () => {
      const shell = await Terminal.open(join(dir, 'state-dot'));
      const tables = await shell.enter(`.tables${KEY.enter}`);
      expect(tables).toMatch(/^trade_flows +VIEW$/m);
      expect(tables).toMatch(/^supplier_shares +VIEW$/m);

      const described = await shell.enter(`.describe basket${KEY.enter}`);
      expect(described).toMatch(/^column +type +meaning$/m);
      expect(described).toMatch(/^hs6 +VARCHAR +HS 6-digit code/m);
      expect(await shell.enter(`.describe nothing${KEY.enter}`)).toMatch(/Error: Unknown table "nothing"/);

      await shell.enter(`.format csv${KEY.enter}`);
      expect(await shell.enter(`SELECT 1 AS a, 'x,y' AS b;${KEY.enter}`)).toMatch(/\na,b\n1,"x,y"\n$/);
      await shell.enter(`.format json${KEY.enter}`);
      expect(await shell.enter(`SELECT 1 AS a;${KEY.enter}`)).toMatch(/\n\[\n\{"a":1\}\n\]\n$/);
      expect(await shell.enter(`.format xml${KEY.enter}`)).toMatch(/Error: Usage: \.format table\|csv\|json/);
      await shell.enter(`.format table${KEY.enter}`);

      const list = await shell.enter(`.saved${KEY.enter}`);
      expect(list).toMatch(/^top_suppliers — Top suppliers for a product and year$/m);
      expect(list).toMatch(/^ {2}top_n int\[1\.\.\] = 10/m);
      const top = await shell.enter(`.saved top_suppliers hs=854231 year=2024 top_n=2${KEY.enter}`);
      expect(top).toMatch(/^rank +partner_iso3/m);
      expect(top).toMatch(/\(2 rows\)\n$/);
      expect(await shell.enter(`.saved top_suppliers colour=red${KEY.enter}`)).toMatch(
        /colour is not used by the query/,
      );

      const help = await shell.enter(`.help${KEY.enter}`);
      for (const command of ['.tables', '.describe <table>', '.format', '.saved', '.help', '.quit'])
        expect(help).toContain(command);
      expect(await shell.enter(`.nope${KEY.enter}`)).toMatch(/Error: unknown command \.nope/);

      const continues = '       ...> ';
      await shell.enter(`SELECT hs6, label${KEY.enter}`, continues);
      await shell.enter(`FROM basket${KEY.enter}`, continues);
      expect(await shell.enter(`WHERE hs6 = '854231';${KEY.enter}`)).toMatch(
        /hs6 +label\n-+ +-+\n854231 +\S.*\n\(1 row\)/,
      );
      // Ctrl-C at a continuation prompt drops the unfinished statement.
      await shell.enter(`SELECT 'dropped'${KEY.enter}`, continues);
      await shell.enter(KEY.ctrlC);
      expect(await shell.enter(`SELECT 'kept' AS k;${KEY.enter}`)).toMatch(/k\n-+\nkept\n\(1 row\)/);

      shell.type(`.quit${KEY.enter}`);
      expect(await shell.end()).toBe(0);
    });
  },
  scaled(180_000),
);
