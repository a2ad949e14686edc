import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runIngest } from '../src/core/ingest/ingest.ts';
import { createHash } from 'node:crypto';
import { curatedTables, tradeFlows } from '../data-schemas/curated.ts';
import { columnsOf } from '../data-schemas/table.ts';
import { orderBy, writePartitions } from '../src/core/lake/partitions.ts';
import { FolderObjectStore } from '../src/adapters/folder-store/folder-store.ts';
import { toTradeFlow } from './synthetic/comtrade-shape.ts';
import { writeApiIndex, writeRawPeriod } from './synthetic/raw-files.ts';
import {
  AnnualTotals,
  batchRows,
  DEFAULT_SHAPE,
  generateMonth,
  monthsOf,
  planCells,
  type SyntheticRow,
  type TradeShape,
} from './synthetic/trade-rows.ts';
import { loadUniverse, type UniverseSize } from './synthetic/universe.ts';

/**
 * `npm run bench:data -- --rows 10000000`: a deterministic synthetic trade table, written one
 * month at a time (bounded memory at any size) in two shapes:
 *   <out>/lake/curated/trade_flows/source=comtrade/year=Y/month=M/part-00000.parquet  (curated, via writePartitions)
 *   <out>/raw/comtrade/              Comtrade API v1 records of every month, and the annual dataset (month 0
 *                                    in curated: sums of the year's months), plus ~0.5 % defective records,
 *                                    as CSV and as API reply fragments (synthetic/raw-files.ts)
 *   <out>/next/comtrade/             the month after the decade: input of the incremental-refresh benchmark
 *   and, in the same lake, the bundled source (runIngest): reference tables, production, real trade rows
 *   <out>/manifest.json              shape, row counts, files
 * `--rows` counts the good monthly rows; annual totals come on top (about an eighth more), and the
 * raw files hold all of those plus the defective rows.
 */
export interface GeneratedData {
  dir: string;
  /** Monthly rows (what `--rows` asks for). */
  rows: number;
  /** Annual totals (month 0) derived from them, on top. */
  annualRows: number;
  /** Raw records (good and defective), all periods; and of the monthly periods only. */
  rawRows: number;
  rawMonthlyRows: number;
  badRows: number;
  nextMonthRows: number;
  shape: TradeShape;
  /** Folders: the curated lake, the decade's raw records, and the next month's. */
  lake: string;
  raw: string;
  next: string;
}

export const MANIFEST = 'manifest.json';
/** zod object types are invariant in their shape, so a specific table is widened explicitly (same object). */
const TRADE_FLOWS = tradeFlows;
/** Bump when the generated rows change, so a stale work folder is regenerated. */
export const GENERATOR_VERSION = 2;

export interface GenerateOptions extends UniverseSize {
  rows: number;
  dir: string;
  seed?: number;
  /** Years of data (default 10: a decade); the smoke test uses fewer. */
  years?: number;
  log?: (line: string) => void;
}

export async function generate(options: GenerateOptions): Promise<GeneratedData> {
  const log = options.log ?? (() => {});
  const shape: TradeShape = {
    ...DEFAULT_SHAPE,
    seed: options.seed ?? DEFAULT_SHAPE.seed,
    years: options.years ?? DEFAULT_SHAPE.years,
    rows: options.rows,
  };
  const u = await loadUniverse(shape.seed, { reporters: options.reporters, products: options.products });
  const months = monthsOf(shape);
  const cells = planCells(u, Math.ceil(shape.rows / months.length));
  const dir = options.dir;
  await rm(dir, { recursive: true, force: true });
  const store = new FolderObjectStore(join(dir, 'lake'));
  const order = orderBy('reporter_iso3', 'flow', 'hs6', 'partner_iso3');

  const result: GeneratedData = {
    dir,
    rows: 0,
    annualRows: 0,
    rawRows: 0,
    rawMonthlyRows: 0,
    badRows: 0,
    nextMonthRows: 0,
    shape,
    lake: join(dir, 'lake'),
    raw: join(dir, 'raw', 'comtrade'),
    next: join(dir, 'next', 'comtrade'),
  };
  const index: Record<string, Record<string, number>> = {};
  const land = async (rows: SyntheticRow[], year: number, month: number): Promise<void> => {
    await writePartitions(
      store,
      TRADE_FLOWS,
      rows.map((r) => toTradeFlow(u, r)),
      order,
    );
    const raw = await writeRawPeriod(result.raw, u, shape, year, month, rows);
    index[raw.apiKey] = raw.counts;
    result.badRows += raw.bad;
    result.rawRows += raw.records;
    if (month !== 0) result.rawMonthlyRows += raw.records;
  };
  const started = performance.now();
  const annual = new AnnualTotals();
  for (let i = 0; i < months.length; i++) {
    const { year, month } = months[i];
    const rows = generateMonth(u, cells, shape, year, month, batchRows(shape.rows, i, months.length));
    await land(rows, year, month);
    annual.add(rows, u.partners.length);
    result.rows += rows.length;
    if (month === 12) {
      const totals = annual.take();
      await land(totals, year, 0);
      result.annualRows += totals.length;
      log(
        `bench:data ${year}: ${result.rows.toLocaleString('en-US')} monthly rows, ${result.annualRows.toLocaleString('en-US')} annual (${((performance.now() - started) / 1000).toFixed(1)} s)`,
      );
    }
  }
  await writeApiIndex(result.raw, index);
  // The month after the decade, for the incremental refresh: same shape, same per-month size.
  const next = { year: shape.firstYear + shape.years, month: 1 };
  const nextRows = generateMonth(u, cells, shape, next.year, next.month, batchRows(shape.rows, 0, months.length));
  const nextRaw = await writeRawPeriod(result.next, u, shape, next.year, next.month, nextRows);
  await writeApiIndex(result.next, { [nextRaw.apiKey]: nextRaw.counts });
  result.nextMonthRows = nextRaw.records;

  // The bundled source lands beside the synthetic one: reference tables (countries, partner groups)
  // the metric SQL joins, production data, and the real bundled trade rows.
  await runIngest({
    store,
    runId: 'bench-bundled',
    now: new Date(0),
    dataDir: fileURLToPath(new URL('../data/bundled', import.meta.url)),
  });

  await writeFile(
    join(dir, MANIFEST),
    JSON.stringify({ generatorVersion: GENERATOR_VERSION, size: sizeOf(options), ...result }, null, 2) + '\n',
  );
  return result;
}

/** The curated tables' layout: generated lakes are rewritten when a schema or a partitioning changes. */
const schemaFingerprint = (): string =>
  createHash('sha256')
    .update(
      JSON.stringify(
        curatedTables.map((t) => [t.name, t.partitionKeys, columnsOf(t).map((c) => [c.name, c.type, c.nullable])]),
      ),
    )
    .digest('hex')
    .slice(0, 16);

const sizeOf = (o: GenerateOptions) => ({
  rows: o.rows,
  seed: o.seed ?? DEFAULT_SHAPE.seed,
  years: o.years ?? DEFAULT_SHAPE.years,
  reporters: o.reporters ?? null,
  products: o.products ?? null,
  schema: schemaFingerprint(),
});

/** Reuse a work folder generated with the same options and generator version; generate it otherwise. */
export async function ensureGenerated(options: GenerateOptions): Promise<GeneratedData> {
  try {
    const manifest = JSON.parse(await readFile(join(options.dir, MANIFEST), 'utf8')) as GeneratedData & {
      generatorVersion: number;
      size: unknown;
    };
    if (
      manifest.generatorVersion === GENERATOR_VERSION &&
      JSON.stringify(manifest.size) === JSON.stringify(sizeOf(options))
    )
      return manifest;
  } catch {
    // No manifest yet (or unreadable): generate.
  }
  return generate(options);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '1000000' },
      out: { type: 'string' },
      seed: { type: 'string' },
    },
  });
  const rows = Number(values.rows);
  if (!Number.isSafeInteger(rows) || rows < 1000) {
    console.error(
      `bench:data: --rows must be an integer ≥ 1000 (got "${values.rows}")\n  → e.g. npm run bench:data -- --rows 1000000`,
    );
    process.exit(2);
  }
  const dir = values.out ?? join('bench', 'work', `rows-${rows}`);
  const started = performance.now();
  const g = await generate({
    rows,
    dir,
    seed: values.seed === undefined ? undefined : Number(values.seed),
    log: console.log,
  });
  console.log(
    `bench:data ${g.rows.toLocaleString('en-US')} monthly + ${g.annualRows.toLocaleString('en-US')} annual curated rows, ${g.rawRows.toLocaleString('en-US')} raw rows ` +
      `(${g.badRows.toLocaleString('en-US')} defective) → ${dir} (${((performance.now() - started) / 1000).toFixed(1)} s)`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
