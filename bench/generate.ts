import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runIngest } from '../lambdas/ingest/ingest.ts';
import { tradeFlows } from '../data-schemas/curated.ts';
import type { TableDef } from '../data-schemas/table.ts';
import { orderBy, writePartitions } from '../src/lake/partitions.ts';
import { FolderObjectStore } from '../src/store/folder-store.ts';
import { comtradeCsvHeader, comtradeCsvLine, toComtradeRecord, toTradeFlow, withDefect } from './synthetic/comtrade-shape.ts';
import { AnnualTotals, badRowsOf, batchRows, DEFAULT_SHAPE, generateMonth, monthsOf, planCells, type SyntheticRow, type TradeShape } from './synthetic/trade-rows.ts';
import { loadUniverse, type UniverseSize } from './synthetic/universe.ts';

/**
 * `npm run bench:data -- --rows 10000000`: a deterministic synthetic trade table, written one
 * month at a time (bounded memory at any size) in two shapes:
 *   <out>/lake/curated/trade_flows/source=comtrade/year=Y/month=M/part-00000.parquet  (curated, via writePartitions)
 *   <out>/raw/comtrade/YYYY-MM.csv   Comtrade API v1 monthly records, plus ~0.5 % defective rows to quarantine
 *   <out>/raw/comtrade/YYYY.csv      the annual dataset (month 0 in curated): sums of the year's months
 *   <out>/next/comtrade/YYYY-MM.csv  the month after the decade: input of the incremental-refresh benchmark
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
  rawRows: number;
  badRows: number;
  nextMonthRows: number;
  shape: TradeShape;
  rawFiles: string[];
  nextFiles: string[];
  lake: string;
}

export const MANIFEST = 'manifest.json';
/** zod object types are invariant in their shape, so a specific table is widened explicitly (same object). */
const TRADE_FLOWS = tradeFlows as unknown as TableDef;
/** Bump when the generated rows change, so a stale work folder is regenerated. */
export const GENERATOR_VERSION = 1;

const monthKey = (year: number, month: number): string => `${year}-${String(month).padStart(2, '0')}`;

async function write(stream: WriteStream, text: string): Promise<void> {
  if (!stream.write(text)) await new Promise<void>((resolve) => stream.once('drain', resolve));
}

async function closeStream(stream: WriteStream): Promise<void> {
  await new Promise<void>((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

export interface GenerateOptions extends UniverseSize {
  rows: number;
  dir: string;
  seed?: number;
  log?: (line: string) => void;
}

export async function generate(options: GenerateOptions): Promise<GeneratedData> {
  const log = options.log ?? (() => {});
  const shape: TradeShape = { ...DEFAULT_SHAPE, ...(options.seed === undefined ? {} : { seed: options.seed }), rows: options.rows };
  const u = await loadUniverse(shape.seed, { reporters: options.reporters, products: options.products });
  const months = monthsOf(shape);
  const cells = planCells(u, Math.ceil(shape.rows / months.length));
  const dir = options.dir;
  await rm(dir, { recursive: true, force: true });
  await mkdir(join(dir, 'raw', 'comtrade'), { recursive: true });
  await mkdir(join(dir, 'next', 'comtrade'), { recursive: true });
  const store = new FolderObjectStore(join(dir, 'lake'));
  const order = orderBy('reporter_iso3', 'flow', 'hs6', 'partner_iso3');

  const writeRaw = async (path: string, year: number, month: number, rows: readonly SyntheticRow[]): Promise<number> => {
    const stream = createWriteStream(path);
    await write(stream, comtradeCsvHeader());
    const bad = badRowsOf(rows, shape, year, month);
    // Defective rows are spread through the file, as they would be in a real response.
    const every = bad.length ? Math.max(1, Math.floor(rows.length / bad.length)) : Infinity;
    let chunk = '';
    let b = 0;
    for (let i = 0; i < rows.length; i++) {
      chunk += comtradeCsvLine(toComtradeRecord(u, rows[i]));
      if ((i + 1) % every === 0 && b < bad.length) chunk += comtradeCsvLine(withDefect(toComtradeRecord(u, bad[b].row), bad[b++].defect));
      if (chunk.length > 1 << 20) {
        await write(stream, chunk);
        chunk = '';
      }
    }
    while (b < bad.length) chunk += comtradeCsvLine(withDefect(toComtradeRecord(u, bad[b].row), bad[b++].defect));
    await write(stream, chunk);
    await closeStream(stream);
    return bad.length;
  };

  const result: GeneratedData = {
    dir, rows: 0, annualRows: 0, rawRows: 0, badRows: 0, nextMonthRows: 0, shape, rawFiles: [], nextFiles: [], lake: join(dir, 'lake'),
  };
  const land = async (rows: SyntheticRow[], year: number, month: number): Promise<void> => {
    await writePartitions(store, TRADE_FLOWS, rows.map((r) => toTradeFlow(u, r)), order);
    const file = join('raw', 'comtrade', `${month === 0 ? year : monthKey(year, month)}.csv`);
    const bad = await writeRaw(join(dir, file), year, month, rows);
    result.badRows += bad;
    result.rawRows += rows.length + bad;
    result.rawFiles.push(file);
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
      log(`bench:data ${year}: ${result.rows.toLocaleString('en-US')} monthly rows, ${result.annualRows.toLocaleString('en-US')} annual (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    }
  }
  // The month after the decade, for the incremental refresh: same shape, same per-month size.
  const next = { year: shape.firstYear + shape.years, month: 1 };
  const nextRows = generateMonth(u, cells, shape, next.year, next.month, batchRows(shape.rows, 0, months.length));
  const nextFile = join('next', 'comtrade', `${monthKey(next.year, next.month)}.csv`);
  const nextBad = await writeRaw(join(dir, nextFile), next.year, next.month, nextRows);
  result.nextMonthRows = nextRows.length + nextBad;
  result.nextFiles.push(nextFile);

  // The bundled source lands beside the synthetic one: reference tables (countries, partner groups)
  // the metric SQL joins, production data, and the real bundled trade rows.
  await runIngest({ store, runId: 'bench-bundled', now: new Date(0), dataDir: fileURLToPath(new URL('../data/bundled', import.meta.url)) });

  await writeFile(join(dir, MANIFEST), JSON.stringify({ generatorVersion: GENERATOR_VERSION, size: sizeOf(options), ...result }, null, 2) + '\n');
  return result;
}

const sizeOf = (o: GenerateOptions) => ({ rows: o.rows, seed: o.seed ?? DEFAULT_SHAPE.seed, reporters: o.reporters ?? null, products: o.products ?? null });

/** Reuse a work folder generated with the same options and generator version; generate it otherwise. */
export async function ensureGenerated(options: GenerateOptions): Promise<GeneratedData> {
  try {
    const manifest = JSON.parse(await readFile(join(options.dir, MANIFEST), 'utf8')) as GeneratedData & { generatorVersion: number; size: unknown };
    if (manifest.generatorVersion === GENERATOR_VERSION && JSON.stringify(manifest.size) === JSON.stringify(sizeOf(options))) return manifest;
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
    console.error(`bench:data: --rows must be an integer ≥ 1000 (got "${values.rows}")\n  → e.g. npm run bench:data -- --rows 1000000`);
    process.exit(2);
  }
  const dir = values.out ?? join('bench', 'work', `rows-${rows}`);
  const started = performance.now();
  const g = await generate({ rows, dir, seed: values.seed === undefined ? undefined : Number(values.seed), log: console.log });
  console.log(
    `bench:data ${g.rows.toLocaleString('en-US')} monthly + ${g.annualRows.toLocaleString('en-US')} annual curated rows, ${g.rawRows.toLocaleString('en-US')} raw rows ` +
      `(${g.badRows.toLocaleString('en-US')} defective) → ${dir} (${((performance.now() - started) / 1000).toFixed(1)} s)`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
