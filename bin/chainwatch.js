#!/usr/bin/env node
// The CLI is TypeScript run through tsx, so the same sources serve the CLI, the tests and the Lambda bundles.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
