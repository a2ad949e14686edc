import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  installPlan,
  LOCAL_NODE_PREFIX,
  NODE_PACKAGE,
  probeOf,
  SUPPORTED_NODE_MAJOR,
  TOOLS,
  // @ts-expect-error: a plain JavaScript script (it runs before anything is compiled), without types.
} from '../../scripts/test-tools.mjs';

/**
 * `npm test` installs what its tests need (pretest: scripts/test-tools.mjs). Its decisions, on PATHs
 * made for the test: an empty one (a fresh machine) and one with every tool as a stand-in executable.
 * The files it checks by absolute path (/usr/bin/chromium, /usr/bin/time) are looked up under a folder
 * of our own, so the test never depends on what this machine has.
 */
describe('the test-tool installer (npm pretest)', () => {
  let empty: string;
  let full: string;
  beforeAll(async () => {
    empty = await mkdtemp(join(tmpdir(), 'chainwatch-tools-empty-'));
    full = await mkdtemp(join(tmpdir(), 'chainwatch-tools-full-'));
    await writeFile(join(full, 'python3'), '#!/bin/sh\nexit 0\n');
    await chmod(join(full, 'python3'), 0o755);
  });
  afterAll(async () => {
    await rm(empty, { recursive: true, force: true });
    await rm(full, { recursive: true, force: true });
  });

  /** The real probe on a PATH and a Node version, with absolute files looked up under `files` instead of /. */
  const probe = (path: string, files: string, node = '20.19.0') => {
    const real = probeOf({ PATH: path }, node);
    return { ...real, file: (f: string) => real.file(join(files, f)) };
  };

  it('on a machine without any of them (and Node 20): npm installs Node 24 into .tools/, pip moto and the Python packages, apt-get chromium and time', () => {
    const plan = installPlan(probe(empty, empty));
    expect(plan.missing).toHaveLength(TOOLS.length);
    expect(plan.steps).toEqual([
      ['npm', 'install', '--no-save', '--no-package-lock', '--prefix', LOCAL_NODE_PREFIX, NODE_PACKAGE],
      [
        'pip',
        'install',
        '--retries',
        '1',
        'moto[server]',
        'pandas',
        'polars',
        'pyarrow',
        'duckdb',
        'nbclient',
        'nbformat',
        'ipykernel',
      ],
      ['apt-get', 'update', '-qq'],
      ['apt-get', 'install', '-y', '-qq', 'chromium', 'time'],
    ]);
  });

  it('with every tool there, it installs nothing', () => {
    const plan = installPlan({ ...probe(full, empty), file: () => true });
    expect(plan).toEqual({ missing: [], steps: [] });
  });

  it('a machine on Node 22 or newer needs no Node of ours; one on Node 20 with Node 24 in .tools/ neither', () => {
    const node = (version: string, localNode: boolean) =>
      installPlan({ ...probe(full, empty, version), file: (f: string) => localNode || !f.includes('.tools') }).missing;
    expect(node('22.1.0', false)).toEqual([]);
    expect(node('24.22.3', false)).toEqual([]);
    expect(node('20.19.0', true)).toEqual([]);
    expect(node('20.19.0', false)[0]).toMatch(/^Node\.js 24/);
  });

  it('installs only what is missing: a python3 that cannot import moto means one pip install of moto', () => {
    const p = probe(full, empty);
    const plan = installPlan({
      ...p,
      python: (modules: string[]) => !modules.includes('moto') && p.python(modules),
      file: () => true,
    });
    expect(plan.steps).toEqual([['pip', 'install', '--retries', '1', 'moto[server]']]);
    expect(plan.missing[0]).toMatch(/^moto_server/);
  });

  it('finds python3 through the PATH: a python3 that cannot import the wheels means installing them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chainwatch-tools-py-'));
    try {
      await writeFile(join(dir, 'python3'), '#!/bin/sh\nexit 1\n');
      await chmod(join(dir, 'python3'), 0o755);
      const p = probeOf({ PATH: dir });
      expect(p.python(['pandas'])).toBe(false);
      expect(probeOf({ PATH: full }).python(['pandas'])).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('the suite itself runs on a supported Node (npm test starts it through scripts/test-node.mjs)', () => {
    expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(SUPPORTED_NODE_MAJOR);
  });
});
