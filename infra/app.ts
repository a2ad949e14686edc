import { buildApp } from './build-app.ts';

// Entry point of the CDK CLI (cdk.json: `npx tsx infra/app.ts`). With credentials the CLI sets
// CDK_DEFAULT_ACCOUNT/REGION; without them the stacks stay environment-agnostic and synth works offline.
const account = process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.CDK_DEFAULT_REGION;
buildApp({ env: account && region ? { account, region } : undefined }).app.synth();
