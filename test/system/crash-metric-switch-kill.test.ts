/**
 * A metric table's version switch (src/core/lake/metric-versions.ts), killed at every step boundary:
 * a child process writes a new version of the table and is SIGKILLed before its 1st, 2nd, … write (each
 * put and delete), in a folder lake and in a bucket on moto_server. After every kill, readers — readTable
 * through the manifest, and in the folder also DuckDB's views — see one complete version, the old or the
 * new, never a mix or a part; and a run that is not killed leaves only the current version and the one
 * it replaced, whatever the killed runs left behind.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBQueryEngine } from '../../src/adapters/duckdb-engine/duckdb-engine.ts';
import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';
import { S3ObjectStore } from '../../src/adapters/s3-store/s3-store.ts';
import { currentMetricVersion } from '../../src/core/lake/metric-versions.ts';
import { readTable } from '../../src/core/lake/read-table.ts';
import type { ObjectStore } from '../../src/core/seams/object-store.ts';
import { METRIC_UNDER_TEST, ROWS_PER_VERSION } from '../crash/metric-generations.ts';
import { bundleChild, spawnNode, type BundledChild } from '../crash/support.ts';
import { s3ClientFor, claimMoto, type Moto } from '../support/moto.ts';

/** Writes of one uninterrupted switch: clear the new folder, three files, the manifest, the cleanup. */
const WRITES = 6;

let work: string;
let child: BundledChild;
let moto: Moto;
let s3: S3Client;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'chainwatch-metric-kill-'));
  child = await bundleChild();
  moto = await claimMoto();
  s3 = s3ClientFor(moto.endpoint);
  await s3.send(new CreateBucketCommand({ Bucket: 'kill-lake' }));
});

afterAll(async () => {
  s3?.destroy();
  await moto?.stop();
  await rm(work, { recursive: true, force: true });
});

/** Run one switch to `generation` in a child, killed before its `nth` write if given; its exit signal. */
async function runChild(lake: string, generation: number, nth?: number): Promise<string | null> {
  const args = ['metric-version', lake, moto.endpoint, String(generation), ...(nth ? [String(nth)] : [])];
  const exit = await spawnNode(child.args(...args), child.env).exited;
  if (!nth && exit.code !== 0) throw new Error(`the switch failed:\n${exit.stderr}`);
  return exit.signal;
}

/** The generations a reader finds in the table: one complete version is one generation, all its rows. */
async function generationsRead(store: ObjectStore, folder?: string): Promise<string[]> {
  const rows = await readTable<{ reporter_iso3: string }>(store, METRIC_UNDER_TEST);
  expect(rows).toHaveLength(ROWS_PER_VERSION);
  const seen = [...new Set(rows.map((r) => r.reporter_iso3))];
  if (folder) {
    const engine = await DuckDBQueryEngine.create({ lakeRoot: folder, store });
    try {
      const viaDuckDB = await engine.query('SELECT reporter_iso3, COUNT(*) AS n FROM concentration GROUP BY 1');
      expect(viaDuckDB.rows).toEqual([{ reporter_iso3: seen[0], n: ROWS_PER_VERSION }]);
    } finally {
      await engine.close();
    }
  }
  return seen;
}

const cases: { name: string; lake: () => string; store: () => ObjectStore; folder?: () => string }[] = [
  {
    name: 'a folder lake',
    lake: () => join(work, 'lake'),
    store: () => new FolderObjectStore(join(work, 'lake')),
    folder: () => join(work, 'lake'),
  },
  {
    name: 'a bucket (moto S3)',
    lake: () => 's3://kill-lake/lake/',
    store: () => new S3ObjectStore({ bucket: 'kill-lake', prefix: 'lake/', client: s3 }),
  },
];

describe.each(cases)('the metric version switch killed at every write, in $name', ({ lake, store, folder }) => {
  it('leaves readers on one complete version after each kill, and a clean table after the next run', async () => {
    await runChild(lake(), 1);
    expect(await generationsRead(store(), folder?.())).toEqual(['G1']);
    let visible = 1;
    for (let nth = 1; nth <= WRITES; nth++) {
      const generation = nth + 1;
      expect(await runChild(lake(), generation, nth), `killed before write ${nth}`).toBe('SIGKILL');
      const seen = await generationsRead(store(), folder?.());
      // Before the manifest put (write 5) readers keep the old version; from it on, the new one.
      expect(seen, `after a kill before write ${nth}`).toEqual([nth <= 5 ? `G${visible}` : `G${generation}`]);
      if (nth > 5) visible = generation;
    }
    const before = await currentMetricVersion(store(), METRIC_UNDER_TEST);
    await runChild(lake(), 99);
    expect(await generationsRead(store(), folder?.())).toEqual(['G99']);
    const after = (await currentMetricVersion(store(), METRIC_UNDER_TEST))!;
    // Only the manifest, the new version and the one it replaced remain: every killed run's leftovers are gone.
    expect(await store().list('metrics/concentration/')).toEqual(
      ['metrics/concentration/_symlink_format_manifest/manifest', ...before!.keys, ...after.keys].sort(),
    );
  });
});
