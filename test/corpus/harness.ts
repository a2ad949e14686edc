/**
 * Runs one bad-input case through the real ingest path of its format — the bundled source over a data
 * folder, or a live connector answered by the replay HTTP client — into a fresh folder lake, and
 * measures what happened from the lake itself: rows landed (read back from the curated Parquet),
 * rows quarantined (read back from rejects.jsonl), and the ingest's own count of rows read.
 */
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { production, sources, tradeFlows } from '../../data-schemas/curated.ts';
import type { TableDef } from '../../data-schemas/table.ts';
import { ChainwatchError } from '../../src/core/errors.ts';
import { replayHttp, type Route } from '../support/replay-http.ts';
import { readTable } from '../../src/core/lake/read-table.ts';
import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';
import { textOf } from '../../src/core/seams/object-store.ts';
import { runIngest } from '../../src/core/ingest/ingest.ts';
import type { IngestManifest, SourceRun } from '../../src/core/lake/manifest.ts';
import { runLiveIngest } from '../../src/core/ingest/refresh.ts';
import type { Reject } from '../../src/core/ingest/rows.ts';
import type { IngestCliOptions } from '../../src/core/ingest/live-selection.ts';

/** Where a case's bytes go: a bundled file (by the name the bundled source looks for) or a live response. */
export type Format = 'bundled-trade' | 'bundled-production' | 'bundled-usgs' | 'comtrade' | 'census' | 'usgs';

export const CORPUS_DIR = new URL('./', import.meta.url);
const COMPANIONS = new URL('./bundled/_companions/', import.meta.url);
/** The run's clock: 2026, so 2099 is in the future and 2021–2025 are not. */
const RUN_AT = new Date('2026-03-01T06:00:00Z');

interface FormatSetup {
  /** Table the case's rows land in. */
  table: TableDef;
  /** Ingest source id (the manifest entry and the `source` column of landed rows). */
  source: string;
}

const BUNDLED_FILE: Record<string, string> = {
  'bundled-trade': 'us_imports_by_partner_hs6.csv',
  'bundled-production': 'rare_earths.csv',
  'bundled-usgs': 'usgs_mcs2026_world_production.csv',
};
const SETUP: Record<Format, FormatSetup> = {
  'bundled-trade': { table: tradeFlows, source: 'bundled' },
  'bundled-production': { table: production, source: 'bundled' },
  'bundled-usgs': { table: production, source: 'bundled' },
  comtrade: { table: tradeFlows, source: 'comtrade' },
  census: { table: tradeFlows, source: 'census' },
  usgs: { table: production, source: 'usgs' },
};

/** One live request per case: the case body answers it, every other request gets an empty answer. */
const LIVE: Record<
  'comtrade' | 'census' | 'usgs',
  { ingest: IngestCliOptions; file: string; routes: (body: Uint8Array) => Route[] }
> = {
  comtrade: {
    file: 'comtrade_A_2021_r842_M_280530.json',
    ingest: { source: 'comtrade', from: '2021', to: '2021', hs: '280530', reporters: 'USA' },
    routes: (body) => [
      { path: '/public/v1/preview/C/A/HS', query: { flowCode: 'M' }, replies: [{ body }] },
      {
        path: '/public/v1/preview/C/A/HS',
        replies: [{ body: '{"elapsedTime":"0 secs","count":0,"data":[],"error":""}' }],
      },
    ],
  },
  census: {
    file: 'census_M_854231_2024-01_2024-12.json',
    ingest: { source: 'census', from: '2024-01', to: '2024-12', hs: '854231' },
    routes: (body) => [
      { path: '/imports/hs', replies: [{ body }] },
      { path: '/exports/hs', replies: [{ status: 204 }] },
    ],
  },
  usgs: {
    file: 'mcs2026_rare-earths_world.csv',
    ingest: { source: 'usgs' },
    routes: (body) => [{ path: '/corpus-rare-earths-world.csv', replies: [{ body }] }],
  },
};
const USGS_CSV = {
  chapter: 'rare-earths',
  edition: 2026,
  url: 'https://sciencebase.example/corpus-rare-earths-world.csv',
};

/**
 * What a case did. `error` is the typed error's message and hint (the run stopped, or the live source
 * went stale); `landed` is then whatever is in the table anyway, which must be nothing.
 */
export interface Outcome {
  error?: string;
  /** Not a ChainwatchError: a bug that would show a user a stack trace. */
  crash?: string;
  /** Rows read from the case's input (the ingest's count), and rows ingest built from them (Census December annuals). */
  rowsIn: number;
  rowsDerived: number;
  /** Counted from the lake, not from the manifest. */
  landed: Record<string, unknown>[];
  quarantined: Reject[];
  duplicates: number;
  warnings: string[];
}

async function readRejects(store: FolderObjectStore, run: SourceRun | undefined): Promise<Reject[]> {
  if (!run?.quarantineKey) return [];
  return textOf((await store.get(run.quarantineKey))!)
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Reject);
}

const failure = (error: unknown): Pick<Outcome, 'error' | 'crash'> =>
  error instanceof ChainwatchError
    ? { error: `${error.message} → ${error.hint}` }
    : { crash: String((error as Error)?.stack ?? error) };

const empty = (): Omit<Outcome, 'error' | 'crash'> => ({
  rowsIn: 0,
  rowsDerived: 0,
  landed: [],
  quarantined: [],
  duplicates: 0,
  warnings: [],
});

async function bundledCase(
  format: Format,
  bytes: Uint8Array,
  lake: FolderObjectStore,
  dataDir: string,
): Promise<Outcome> {
  const file = BUNDLED_FILE[format];
  await cp(COMPANIONS, dataDir, { recursive: true });
  await writeFile(join(dataDir, file), bytes);
  let manifest: IngestManifest;
  try {
    manifest = await runIngest({ store: lake, runId: 'corpus', dataDir, now: RUN_AT });
  } catch (error) {
    return { ...empty(), ...failure(error), landed: await readTable(lake, SETUP[format].table) };
  }
  const run = manifest.sources.bundled;
  return {
    rowsIn: run.inputs.find((i) => i.file === file)!.rows,
    rowsDerived: 0,
    landed: await readTable(lake, SETUP[format].table),
    quarantined: (await readRejects(lake, run)).filter((r) => r.file === file),
    // The companions (reference CSVs, SOURCES.md) hold no duplicates (checked in the test).
    duplicates: run.rowsDuplicate,
    warnings: run.warnings ?? [],
  };
}

async function liveCase(
  format: 'comtrade' | 'census' | 'usgs',
  bytes: Uint8Array,
  lake: FolderObjectStore,
): Promise<Outcome> {
  const { ingest, file, routes } = LIVE[format];
  let manifest: IngestManifest;
  try {
    manifest = await runLiveIngest({
      store: lake,
      runId: 'corpus',
      ingest,
      env: {},
      now: () => RUN_AT,
      usgs: { csvs: [USGS_CSV] },
      // One retry, no waiting: a cut-off body is fetched twice, then the source is reported stale.
      http: { http: replayHttp(routes(bytes)), sleep: async () => {}, random: () => 0, policy: { retries: 1 } },
    });
  } catch (error) {
    return { ...empty(), ...failure(error), landed: await readTable(lake, SETUP[format].table) };
  }
  const run = manifest.sources[format];
  if (run.status === 'stale')
    return {
      ...empty(),
      error: `${run.error!.message} → ${run.error!.hint}`,
      landed: await readTable(lake, SETUP[format].table),
    };
  const caseInput = run.inputs.find((i) => i.file === file);
  const citations = (await readTable(lake, sources)).filter((r) => r.source === format).length;
  return {
    rowsIn: caseInput?.rows ?? 0,
    // rowsDerived also counts the source's citation rows, which are not read from the case.
    rowsDerived: run.rowsDerived - citations,
    landed: (await readTable(lake, SETUP[format].table)).filter((r) => r.source === format),
    quarantined: (await readRejects(lake, run)).filter((r) => r.file === caseInput?.rawKey),
    duplicates: run.rowsDuplicate,
    warnings: run.warnings ?? [],
  };
}

/** Run one case in a fresh lake (and data folder); both are removed afterwards. */
export async function runCase(format: Format, bytes: Uint8Array): Promise<Outcome> {
  const root = await mkdtemp(join(tmpdir(), 'chainwatch-corpus-'));
  try {
    const lake = new FolderObjectStore(join(root, 'lake'));
    return format === 'comtrade' || format === 'census' || format === 'usgs'
      ? await liveCase(format, bytes, lake)
      : await bundledCase(format, bytes, lake, join(root, 'data'));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
