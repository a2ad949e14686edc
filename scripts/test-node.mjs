// Runs the test suite (vitest, with the arguments given) on a supported Node: this one if it is new
// enough, else the Node 24 that `npm test`'s pretest step installed into .tools/ (scripts/test-tools.mjs).
// Its folder goes first on the PATH, so a test that starts `node` by name gets the same Node.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOCAL_NODE, SUPPORTED_NODE_MAJOR } from './test-tools.mjs';

const current = Number(process.versions.node.split('.')[0]);
let node = process.execPath;
if (current < SUPPORTED_NODE_MAJOR) {
  if (!existsSync(LOCAL_NODE)) {
    console.error(
      `chainwatch: the tests need Node ${SUPPORTED_NODE_MAJOR} or newer (this is ${process.versions.node}) and .tools/ has none\n  → Run "npm test" (its pretest step installs Node 24 there), or "node scripts/test-tools.mjs".`,
    );
    process.exit(1);
  }
  node = LOCAL_NODE;
}
const vitest = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));
const env = { ...process.env, PATH: `${dirname(node)}${delimiter}${process.env.PATH ?? ''}` };
const run = spawnSync(node, [vitest, ...process.argv.slice(2)], { stdio: 'inherit', env });
if (run.error) throw run.error;
process.exit(run.status ?? 1);
