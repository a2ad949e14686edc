// The tools the test suite runs for real, installed when missing: `npm test` runs this first (pretest),
// so a fresh machine needs no set-up beyond `npm ci`. Quick and idempotent: with everything present it
// only looks (a PATH lookup per tool, one Python import probe) and installs nothing.
// To require another tool, add an entry to TOOLS.
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The tests run on a supported Node: the Lambdas run Node 24, and Node 20 is past its end of life. On an
 * older machine Node 24 comes from the npm registry (the official build, as an npm package) into .tools/;
 * scripts/test-node.mjs runs the suite with it.
 */
export const SUPPORTED_NODE_MAJOR = 22;
export const NODE_PACKAGE = `node-${process.platform}-${process.arch}@24`;
export const LOCAL_NODE_PREFIX = fileURLToPath(new URL('../.tools/node', import.meta.url));
export const LOCAL_NODE = join(
  LOCAL_NODE_PREFIX,
  'node_modules',
  `node-${process.platform}-${process.arch}`,
  'bin',
  'node',
);

/** The Python packages the benchmark smoke run imports (bench/baselines/, the DuckDB contenders). */
const PYTHON_WHEELS = ['pandas', 'polars', 'pyarrow', 'duckdb'];
/** What the example-notebook test runs the notebook with (test/system/notebook.test.ts), beside duckdb and pandas. */
const NOTEBOOK_PACKAGES = ['nbclient', 'nbformat', 'ipykernel'];

/**
 * What is there, looked up the way the tests will find it. `env` is the environment the tests run in:
 * a tool on its PATH is a tool the tests can start.
 */
export function probeOf(env = process.env, nodeVersion = process.versions.node) {
  const executable = (file) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  const dirs = (env.PATH ?? '').split(delimiter).filter(Boolean);
  const onPath = (command) => dirs.some((dir) => executable(join(dir, command)));
  return {
    onPath,
    file: executable,
    nodeMajor: Number(nodeVersion.split('.')[0]),
    /** Whether python3 on the PATH can import these modules (found without importing them: fast). */
    python(modules) {
      if (!onPath('python3')) return false;
      const code = `import importlib.util as u, sys; sys.exit(0 if all(u.find_spec(m) for m in ${JSON.stringify(modules)}) else 1)`;
      try {
        execFileSync('python3', ['-c', code], { env, stdio: 'ignore' });
        return true;
      } catch {
        return false;
      }
    },
  };
}

/** Each tool: why the tests need it, how to tell it is there, and how it is installed (npm, pip or apt). */
export const TOOLS = [
  {
    name: 'Node.js 24',
    why: `a supported Node for the tests (this one is ${process.versions.node}; the Lambdas run Node 24)`,
    present: (p) => p.nodeMajor >= SUPPORTED_NODE_MAJOR || p.file(LOCAL_NODE),
    npm: [NODE_PACKAGE],
  },
  {
    name: 'moto_server',
    why: 'a real S3 and Athena API on loopback (test/support/moto.ts starts it with python3)',
    present: (p) => p.python(['moto', 'flask', 'flask_cors']),
    pip: ['moto[server]'],
  },
  {
    name: 'chromium',
    why: 'the browser suite (test/system/browser-site.test.ts runs /usr/bin/chromium)',
    present: (p) => p.file('/usr/bin/chromium'),
    apt: ['chromium'],
  },
  {
    name: `Python ${PYTHON_WHEELS.join(', ')}`,
    why: 'the benchmark smoke run (pandas and polars baselines, DuckDB contenders)',
    present: (p) => p.python(PYTHON_WHEELS),
    pip: PYTHON_WHEELS,
  },
  {
    name: `Python ${NOTEBOOK_PACKAGES.join(', ')}`,
    why: 'the example-notebook test (test/system/notebook.test.ts runs docs/examples/lake-with-duckdb.ipynb)',
    present: (p) => p.python(NOTEBOOK_PACKAGES),
    pip: NOTEBOOK_PACKAGES,
  },
  {
    name: 'GNU time',
    why: "the benchmark harness reads each contender's peak RSS from /usr/bin/time",
    present: (p) => p.file('/usr/bin/time'),
    apt: ['time'],
  },
];

/** The commands that install what is missing: one npm install into .tools/node, one pip install, one apt-get update and install. */
export function installPlan(probe, tools = TOOLS) {
  const missing = tools.filter((t) => !t.present(probe));
  const pip = missing.flatMap((t) => t.pip ?? []);
  const apt = missing.flatMap((t) => t.apt ?? []);
  const npm = missing.flatMap((t) => t.npm ?? []);
  const steps = [];
  if (npm.length > 0)
    steps.push(['npm', 'install', '--no-save', '--no-package-lock', '--prefix', LOCAL_NODE_PREFIX, ...npm]);
  // One retry, not pip's five: where the default index cannot be reached (a machine with only a local
  // index), each package's five retries with back-off cost ~8 s before pip falls through to the next index.
  if (pip.length > 0) steps.push(['pip', 'install', '--retries', '1', ...pip]);
  if (apt.length > 0) steps.push(['apt-get', 'update', '-qq'], ['apt-get', 'install', '-y', '-qq', ...apt]);
  return { missing: missing.map((t) => `${t.name} (${t.why})`), steps };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // --dry-run: say what is missing and what would install it; install nothing.
  const dryRun = process.argv.includes('--dry-run');
  const { missing, steps } = installPlan(probeOf());
  if (missing.length > 0) console.error(`test tools missing: ${missing.join('; ')}`);
  for (const step of steps) {
    console.error(`$ ${step.join(' ')}`);
    if (dryRun) continue;
    try {
      execFileSync(step[0], step.slice(1), {
        stdio: 'inherit',
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      });
    } catch (error) {
      console.error(
        `Could not install the test tools (${step.join(' ')}: ${error.message}).\n  → Run that command by hand (as root for apt-get), then npm test again.`,
      );
      process.exit(1);
    }
  }
  const still = dryRun ? [] : installPlan(probeOf()).missing;
  if (still.length > 0) {
    console.error(
      `still missing after installing: ${still.join('; ')}\n  → Install them by hand, then npm test again.`,
    );
    process.exit(1);
  }
}
