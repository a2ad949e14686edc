/**
 * The system lane's global setup: one moto_server per test worker, started once per run instead of once
 * per test file, and stopped when the run ends. Test files borrow one with `claimMoto()` (test/support/moto.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startMoto } from './moto.ts';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const servers = await Promise.all(Array.from({ length: project.globalConfig.maxWorkers }, () => startMoto()));
  const locks = await mkdtemp(join(tmpdir(), 'moto-pool-'));
  project.provide('motoPool', { endpoints: servers.map((s) => s.endpoint), locks });
  return async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await rm(locks, { recursive: true, force: true });
  };
}
