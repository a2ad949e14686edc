#!/usr/bin/env node
// The CLI runs the JavaScript compiled into dist/ by `npm run build` (npm ci runs it as `prepare`):
// no TypeScript compilation at start-up. The same sources run through tsx in the tests and the benchmarks.
const entry = new URL('../dist/cli/main.js', import.meta.url);
let main;
try {
  ({ main } = await import(entry.href));
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes(entry.pathname)) throw error;
  console.error('chainwatch: the CLI is not built (dist/ is missing)\n  → Run "npm run build" (npm ci does it).');
  process.exit(1);
}
process.exitCode = await main(process.argv.slice(2));
