/**
 * Bad rows in a copy of the bundled data: the run still succeeds, each bad row lands in quarantine
 * with its reason, the manifest counts it, and a file whose header lacks a column stops the run.
 */
import { manifestKey } from '../../src/core/lake/layout.ts';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tradeFlows } from '../../data-schemas/curated.ts';
import { runIngest } from '../../src/core/ingest/ingest.ts';
import type { IngestManifest } from '../../src/core/lake/manifest.ts';
import type { Reject } from '../../src/core/ingest/rows.ts';
import { InputError } from '../../src/core/errors.ts';
import { readTable } from '../../src/core/lake/read-table.ts';
import { getJson } from '../../src/core/seams/object-store.ts';
import { appendFixture, BUNDLED_DIR, readCsvIndependently, readRejects, TempDirs } from '../support/ingest-support.ts';

const TRADE = 'us_imports_by_partner_hs6.csv';
const SEMIS = 'semiconductor_fab_capacity_share.csv';
const temp = new TempDirs();

/** Lines of a file as the ingest numbers them: header is line 1, so data row i (0-based) is line i + 2. */
const dataLines = async (path: string) => (await readCsvIndependently(path)).length;

let clean: IngestManifest;
let dirty: IngestManifest;
let dirtyRejects: Reject[];
let cleanRejects: Reject[];
let tradeLines: number;
let semisLines: number;
let tradeRows: number;

beforeAll(async () => {
  const cleanLake = await temp.lake('quarantine-clean');
  clean = await runIngest({ store: cleanLake, runId: 'clean', dataDir: await temp.bundledCopy('data-clean') });
  cleanRejects = await readRejects(cleanLake, 'clean');

  const dataDir = await temp.bundledCopy('data-dirty');
  tradeLines = (await dataLines(join(dataDir, TRADE))) + 1;
  semisLines = (await dataLines(join(dataDir, SEMIS))) + 1;
  await appendFixture(dataDir, TRADE, 'bad-trade-rows.csv');
  await appendFixture(dataDir, SEMIS, 'bad-production-rows.csv');
  const lake = await temp.lake('quarantine-dirty');
  dirty = await runIngest({ store: lake, runId: 'dirty', dataDir });
  dirtyRejects = await readRejects(lake, 'dirty');
  tradeRows = (await readTable(lake, tradeFlows)).length;
});

afterAll(() => temp.removeAll());

describe('ingest of a data folder with bad rows', () => {
  it('succeeds and keeps every good row', () => {
    expect(dirty.outcome).toBe('succeeded');
    expect(tradeRows).toBe(clean.sources.bundled.tables.trade_flows.rows);
  });

  it('quarantines each bad trade row with its reason, table and raw row', () => {
    const added = dirtyRejects.filter((r) => r.file === TRADE && r.line > tradeLines);
    expect(added.map((r) => [r.line - tradeLines, r.reason])).toEqual([
      [1, 'import_value_usd "n/a" is not a number'],
      [2, 'unknown partner code 999: not a Comtrade code in data-schemas/reference/countries.csv'],
      [3, 'HS code 999999 is not in the basket (data-schemas/reference/basket.csv)'],
      [4, 'import_value_usd -5.0 is negative'],
    ]);
    expect(added.every((r) => r.table === 'trade_flows')).toBe(true);
    expect(added[0].row).toMatchObject({ partner_code: '156', import_value_usd: 'n/a', partner_name: 'China' });
  });

  it('quarantines bad production rows, and both sides of a conflicting duplicate', () => {
    const added = dirtyRejects.filter(
      (r) => r.file === SEMIS && !cleanRejects.some((c) => c.file === r.file && c.line === r.line),
    );
    const byLine = new Map(added.map((r) => [r.line, r.reason]));
    expect(byLine.get(semisLines + 1)).toBe('share 120 is more than 100 (percent_of_global)');
    expect(byLine.get(semisLines + 2)).toMatch(/^conflicting duplicate: .*differ in value \(13 vs 12\)$/);
    expect(byLine.get(semisLines + 3)).toBe('unknown geo code XYZ; add it to data-schemas/reference/countries.csv');
    expect(byLine.get(semisLines + 4)).toBe('value is empty but the row is not marked withheld (qualifier W)');
    // The original US 2020 row (line 3 of the file) conflicts with the appended one: neither ships.
    expect(byLine.get(3)).toMatch(/^conflicting duplicate: .*differ in value \(12 vs 13\)$/);
    expect(added.length).toBe(5);
  });

  it('counts rejects and the dropped exact duplicate in the manifest; the invariant holds', () => {
    const [c, d] = [clean.sources.bundled, dirty.sources.bundled];
    expect(d.rowsIn).toBe(c.rowsIn + 5 + 4);
    expect(d.rowsRejected).toBe(c.rowsRejected + 4 + 5);
    expect(d.rowsRejected).toBe(dirtyRejects.length);
    expect(d.rowsDuplicate).toBe(c.rowsDuplicate + 1);
    expect(d.rowsOut).toBe(c.rowsOut - 1);
    expect(d.rowsIn + d.rowsDerived).toBe(d.rowsOut + d.rowsRejected + d.rowsDuplicate);
    expect(d.inputs.find((i) => i.file === TRADE)?.rows).toBe(tradeLines - 1 + 5);
  });
});

describe('ingest of a file whose header lacks a required column', () => {
  it('fails with an InputError naming the file and column, writes a failed manifest and no curated data', async () => {
    const dataDir = await temp.bundledCopy('data-header');
    const lines = (await readFile(join(BUNDLED_DIR, TRADE), 'utf8')).split('\n');
    await writeFile(
      join(dataDir, TRADE),
      [lines[0].replace('import_value_usd', 'import_value'), ...lines.slice(1)].join('\n'),
    );
    const lake = await temp.lake('quarantine-header');

    const run = runIngest({ store: lake, runId: 'bad-header', dataDir });
    await expect(run).rejects.toBeInstanceOf(InputError);
    const error = (await run.catch((e: unknown) => e)) as InputError;
    expect(error.message).toContain(TRADE);
    expect(error.message).toContain('missing required column import_value_usd');
    expect(error.hint).toContain('first line of us_imports_by_partner_hs6.csv');

    const manifest = await getJson<IngestManifest>(lake, manifestKey('bad-header'));
    expect(manifest).toMatchObject({ outcome: 'failed', error: { name: 'InputError' } });
    expect(await lake.list('curated/')).toEqual([]);
  });

  it('says which input cannot be read and how to restore it (a folder where the file was)', async () => {
    const dataDir = await temp.bundledCopy('data-unreadable');
    await rm(join(dataDir, SEMIS));
    await mkdir(join(dataDir, SEMIS));
    const run = runIngest({ store: await temp.lake('quarantine-unreadable'), runId: 'unreadable', dataDir });
    await expect(run).rejects.toBeInstanceOf(InputError);
    await expect(run).rejects.toThrow(`Input ${join(dataDir, SEMIS)} cannot be read`);
  });

  it('does the same for a production file (tidy layout)', async () => {
    const dataDir = await temp.bundledCopy('data-header-tidy');
    const text = await readFile(join(BUNDLED_DIR, SEMIS), 'utf8');
    await writeFile(
      join(dataDir, SEMIS),
      text.replace(/^dataset,indicator,geo,geo_name,year/, 'dataset,indicator,geo,geo_name,period'),
    );
    await expect(
      runIngest({ store: await temp.lake('quarantine-header-tidy'), runId: 'bad-tidy', dataDir }),
    ).rejects.toThrow(/semiconductor_fab_capacity_share\.csv: header is missing required column year/);
  });
});
