import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newSessionFolder } from '../../src/adapters/duckdb-engine/work-folder.ts';

let parent: string;
beforeAll(async () => {
  parent = await mkdtemp(join(tmpdir(), 'chainwatch-work-folder-test-'));
});
afterAll(() => rm(parent, { recursive: true, force: true }));

describe("a DuckDB session's work folder", () => {
  it('is named by this machine and process, and first removes the folders of this machine’s dead processes, and nothing else', async () => {
    const own = basename(await newSessionFolder(parent));
    const name = /^chainwatch-duckdb-(.+)-(\d+)-[A-Za-z0-9]{6}$/.exec(own);
    expect(name?.[2]).toBe(String(process.pid));
    const host = name![1];
    // A process that has ended: its pid names no running process.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    const planted = {
      dead: `chainwatch-duckdb-${host}-${dead}-Ab12Cd`,
      live: `chainwatch-duckdb-${host}-${process.ppid}-Ef34Gh`,
      otherHost: `chainwatch-duckdb-elsewhere-${dead}-Ij56Kl`,
      noPid: 'chainwatch-duckdb-Mn78Op',
      user: 'chainwatch-duckdb-notes',
    };
    for (const folder of Object.values(planted)) {
      await mkdir(join(parent, folder));
      await writeFile(join(parent, folder, 'duckdb_temp_storage-0.tmp'), 'spilled');
    }

    const next = basename(await newSessionFolder(parent));

    expect((await readdir(parent)).sort()).toEqual(
      [own, next, planted.live, planted.otherHost, planted.noPid, planted.user].sort(),
    );
  });
});
