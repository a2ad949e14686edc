import { BUNDLED_SOURCE } from '../../sources.ts';
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  basket,
  countries,
  partnerGroups,
  production,
  screenFrameworks,
  sources,
  tradeFlows,
  worldTrade,
  type BasketRow,
  type CountryRow,
} from '../../../../data-schemas/curated.ts';
import type { TableDef } from '../../../../data-schemas/table.ts';
import { InputError } from '../../errors.ts';
import { readBytes } from '../../read-bytes.ts';
import type { ObjectStore } from '../../seams/object-store.ts';
import { decodeUtf8, parseCsv, type CsvFile } from '../csv.ts';
import type { IngestInput } from '../../lake/manifest.ts';
import { normalizeTidyProduction, normalizeUsgsProduction, usgsCitations } from '../production.ts';
import { landRaw, landRawFile } from '../raw.ts';
import { csvBatches } from '../csv-stream.ts';
import { PartitionSpill } from '../partition-spill.ts';
import { lakePrefix } from '../../lake/layout.ts';
import { stagingScratchKey } from '../../lake/staged-commit.ts';
import { partitionPath } from '../../lake/partitions.ts';
import { referenceRows } from '../reference.ts';
import { concatNormalized, type Normalized, type Reject } from '../rows.ts';
import { ownedCoverage } from '../partition-merge.ts';
import { settle, type Settled } from '../settle.ts';
import type { IngestSource, SettledTable, SourcePart } from '../source.ts';
import { sourcesFromMarkdown } from '../sources-md.ts';
import { projectPath } from '../../project-root.ts';
import { normalizeMonthlyTrade, normalizeTrade } from '../trade.ts';
import { normalizeWorldTrade } from '../world-trade.ts';
import { isWorldTradeFile } from '../../world-trade-files.ts';

export const DEFAULT_DATA_DIR = projectPath('data', 'bundled');
export const DEFAULT_REFERENCE_DIR = projectPath('data-schemas', 'reference');

const CITATIONS_FILE = 'SOURCES.md';
const TRADE_FILE = /^us_imports_by_partner_hs6\.csv$/;
const USGS_FILE = /^usgs_mcs\d{4}_world_production\.csv$/;
const MONTHLY_TRADE_FILE = /^comtrade_monthly_us_imports_from_[a-z]+_[\d_]+\.csv$/;
/** Reference CSVs and the tables they fill; their header is the table's column list. */
const REFERENCE_FILES: readonly [string, TableDef][] = [
  ['countries.csv', countries],
  ['partner_groups.csv', partnerGroups],
  ['basket.csv', basket],
  ['screen_frameworks.csv', screenFrameworks],
  ['sources.csv', sources],
];

export interface BundledOptions {
  dataDir?: string;
  referenceDir?: string;
  /** The run's start (ISO 8601): no figure of a later year is an observation. Default: now. */
  asOf?: string;
  onProgress?: (line: string) => void;
  /** Trade-mart records read and normalized at a time (memory holds one batch, then one partition). */
  batchRecords?: number;
}

/** A batch of the trade mart: a few MB of rows in flight, whatever the file's size. */
const TRADE_BATCH_RECORDS = 20_000;

/** What the first pass leaves for the trade parts: the trade_flows rows set aside by partition, and the rejects. */
interface TradeSpill {
  spill: PartitionSpill;
  rejects: Reject[][];
}

/**
 * What the bundled data own: the reference tables whole, and in every table that other sources also
 * write, all of its own `source=bundled` partitions (and nothing of anyone else's).
 */
const isSourcePartitioned = (table: TableDef): boolean => table.partitionKeys.includes('source');
const ownPartitions = (table: TableDef) =>
  isSourcePartitioned(table) ? (p: Record<string, unknown>) => p.source === BUNDLED_SOURCE : undefined;

async function readDir(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (cause) {
    throw new InputError(
      `Bundled data folder ${dir} cannot be read: ${(cause as Error).message}`,
      `Run from the repository root, or pass the folder that holds the bundled CSVs and ${CITATIONS_FILE} (default ${DEFAULT_DATA_DIR}).`,
      { cause },
    );
  }
}

async function readInput(dir: string, file: string): Promise<Uint8Array> {
  try {
    return await readBytes(join(dir, file));
  } catch (cause) {
    throw new InputError(
      `Input ${join(dir, file)} cannot be read: ${(cause as Error).message}`,
      `Restore ${file} (git checkout of ${dir}) or point the ingest at a folder that has it.`,
      { cause },
    );
  }
}

/** Rows read per input file: every origin became exactly one candidate or one reject. */
function rowsPerFile(parts: readonly Normalized[]): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (file: string) => counts.set(file, (counts.get(file) ?? 0) + 1);
  for (const part of parts) {
    for (const c of part.candidates) if (!c.derived) add(c.origin.file);
    for (const r of part.rejects) add(r.file);
  }
  return counts;
}

/**
 * The bundled source's first part: lands every input file as-is under `raw/bundled/<hash>/`, then
 * normalizes the reference tables first (trade and production are checked against them), the world-trade
 * files (world_trade), the production files and the citations (SOURCES.md plus reference sources.csv).
 * The trade mart — the file that grows — is streamed in batches, never held whole; its rows and the monthly
 * series' (trade_flows) are set aside by partition (`trade`) for the parts that follow (`tradeParts`).
 */
async function readBundled(store: ObjectStore, opts: BundledOptions, trade: TradeSpill): Promise<SourcePart> {
  const dataDir = resolve(opts.dataDir ?? DEFAULT_DATA_DIR);
  const referenceDir = resolve(opts.referenceDir ?? DEFAULT_REFERENCE_DIR);
  const dataFiles = (await readDir(dataDir)).filter((f) => f.endsWith('.csv') || f === CITATIONS_FILE);
  const tradeFile = dataFiles.find((f) => TRADE_FILE.test(f));
  const usgsFile = dataFiles.find((f) => USGS_FILE.test(f));
  const missing = [
    !dataFiles.includes(CITATIONS_FILE) && CITATIONS_FILE,
    !tradeFile && 'us_imports_by_partner_hs6.csv',
    !usgsFile && 'usgs_mcs<edition>_world_production.csv',
  ].filter(Boolean);
  if (!tradeFile || !usgsFile || missing.length > 0) {
    throw new InputError(
      `${dataDir} lacks ${missing.join(', ')}`,
      `Restore the bundled data (git checkout ${DEFAULT_DATA_DIR}) or point the ingest at a complete copy.`,
    );
  }

  const inputs: IngestInput[] = [];
  const texts = new Map<string, string>();
  const noteInput = (file: string, landed: { rawKey: string; sha256: string; written: boolean }) => {
    opts.onProgress?.(`${landed.written ? 'landed' : 'unchanged'} ${landed.rawKey}`);
    inputs.push({ file, rawKey: landed.rawKey, sha256: landed.sha256, rows: 0 });
  };
  const land = async (dir: string, file: string) => {
    const bytes = await readInput(dir, file);
    noteInput(file, await landRaw(store, BUNDLED_SOURCE, file, bytes));
    texts.set(file, decodeUtf8(bytes, file));
  };
  for (const file of dataFiles) {
    if (file !== tradeFile) await land(dataDir, file);
    else
      noteInput(
        file,
        await landRawFile(store, BUNDLED_SOURCE, file, join(dataDir, file)).catch(unreadable(dataDir, file)),
      );
  }
  for (const [file] of REFERENCE_FILES) await land(referenceDir, file);
  const csv = (file: string): CsvFile => parseCsv(texts.get(file)!, file);
  const reference = new Map(
    REFERENCE_FILES.map(([file, table]) => [
      table.name,
      referenceRows(csv(file), table, isSourcePartitioned(table) ? { source: BUNDLED_SOURCE } : {}),
    ]),
  );

  const settledCountries = settle<CountryRow>(countries, reference.get(countries.name)!);
  const settledBasket = settle<BasketRow>(basket, reference.get(basket.name)!);
  const countryRows = settledCountries.rows.map((c) => c.row);

  const asOfYear = new Date(opts.asOf ?? Date.now()).getUTCFullYear();
  const tradeReference = { countries: countryRows, basket: settledBasket.rows.map((c) => c.row), latestYear: asOfYear };
  const monthlyFiles = dataFiles.filter((f) => MONTHLY_TRADE_FILE.test(f));
  let martRows = 0;
  const batches = csvBatches(join(dataDir, tradeFile), tradeFile, opts.batchRecords ?? TRADE_BATCH_RECORDS);
  for await (const batch of batches) {
    const mart = normalizeTrade(batch, tradeReference);
    martRows += mart.candidates.length + mart.rejects.length;
    await trade.spill.add(mart.candidates);
    if (mart.rejects.length > 0) trade.rejects.push(mart.rejects);
  }
  const monthly = concatNormalized<Record<string, unknown>>(
    monthlyFiles.map((f) => normalizeMonthlyTrade(csv(f), tradeReference)),
  );
  await trade.spill.add(monthly.candidates);
  if (monthly.rejects.length > 0) trade.rejects.push(monthly.rejects);
  const worldFiles = dataFiles.filter(isWorldTradeFile);
  const world = concatNormalized<Record<string, unknown>>(
    worldFiles.map((f) => normalizeWorldTrade(csv(f), { countries: countryRows, latestYear: asOfYear })),
  );
  // The OEC files give exports and imports on one line: the import row is built from it.
  const derivedWorld = world.candidates.filter((c) => c.derived).length;
  const usgsCsv = csv(usgsFile);
  const tidyFiles = dataFiles.filter(
    (f) =>
      f.endsWith('.csv') && f !== tradeFile && f !== usgsFile && !monthlyFiles.includes(f) && !worldFiles.includes(f),
  );
  const productionRows = concatNormalized<Record<string, unknown>>([
    ...tidyFiles.map((f) => normalizeTidyProduction(csv(f), countryRows, asOfYear)),
    normalizeUsgsProduction(usgsCsv, countryRows),
  ]);

  const citations = concatNormalized<Record<string, unknown>>([
    sourcesFromMarkdown(texts.get(CITATIONS_FILE)!, CITATIONS_FILE),
    reference.get(sources.name)!,
  ]);
  const cited = new Set(citations.candidates.map((c) => c.row.source_id));
  const derivedCitations = usgsCitations(usgsCsv).filter((c) => !cited.has(c.row.source_id));
  citations.candidates.push(...derivedCitations);

  const counts = rowsPerFile([
    reference.get(countries.name)!,
    reference.get(partnerGroups.name)!,
    reference.get(basket.name)!,
    reference.get(screenFrameworks.name)!,
    monthly,
    world,
    productionRows,
    citations,
  ]);
  counts.set(tradeFile, martRows);
  for (const input of inputs) input.rows = counts.get(input.file) ?? 0;

  const covered = async (table: TableDef, settled: Settled): Promise<SettledTable> => ({
    table,
    settled,
    coverages: [
      await ownedCoverage(
        store,
        table,
        settled.rows.map((c) => c.row),
        () => true,
        ownPartitions(table),
      ),
    ],
  });
  return {
    inputs,
    derived: derivedCitations.length + derivedWorld,
    tables: [
      await covered(production, settle(production, productionRows)),
      await covered(sources, settle(sources, citations)),
      await covered(countries, settledCountries),
      await covered(partnerGroups, settle(partnerGroups, reference.get(partnerGroups.name)!)),
      await covered(basket, settledBasket),
      await covered(worldTrade, settle(worldTrade, world)),
      await covered(screenFrameworks, settle(screenFrameworks, reference.get(screenFrameworks.name)!)),
    ],
  };
}

/**
 * The trade parts, after the first: each trade_flows partition's rows, checked for duplicates and conflicts
 * within it (a row's key includes its partition), replacing what the bundled source had there; then the
 * rows the first pass rejected; then the bundled partitions that no longer have a row, emptied.
 */
async function* tradeParts(store: ObjectStore, trade: TradeSpill): AsyncGenerator<SourcePart> {
  const part = (settled: Settled, coverages: SettledTable['coverages']): SourcePart => ({
    inputs: [],
    derived: 0,
    tables: [{ table: tradeFlows, settled, coverages }],
  });
  for await (const { values, candidates } of trade.spill.partitions()) {
    yield part(settle(tradeFlows, { candidates, rejects: [] }), [
      { table: tradeFlows, partitions: [values], owns: () => true },
    ]);
  }
  for (const rejects of trade.rejects.splice(0)) yield part({ rows: [], rejects, duplicates: 0 }, []);
  const stored = await ownedCoverage(store, tradeFlows, [], () => true, ownPartitions(tradeFlows));
  const emptied = stored.partitions.filter((p) => !trade.spill.has(partitionPath(tradeFlows, p)));
  if (emptied.length > 0) yield part({ rows: [], rejects: [], duplicates: 0 }, [{ ...stored, partitions: emptied }]);
}

/** The InputError of a bundled file that cannot be read (the trade mart is streamed, not read by readInput). */
const unreadable = (dir: string, file: string) => (cause: unknown) => {
  if (cause instanceof InputError) throw cause;
  throw new InputError(
    `Input ${join(dir, file)} cannot be read: ${(cause as Error).message}`,
    `Restore ${file} (git checkout of ${dir}) or point the ingest at a folder that has it.`,
    { cause },
  );
};

/** The bundled data as a source of the ingest. */
export const bundledSource = (opts: Omit<BundledOptions, 'onProgress'> = {}): IngestSource => ({
  id: BUNDLED_SOURCE,
  // The small files in one part (their tables are checked against each other), then trade_flows partition by
  // partition: memory holds one batch of the trade mart while reading it, one partition while writing.
  async *collect(ctx) {
    const scratch = stagingScratchKey(lakePrefix.ingestStaging(BUNDLED_SOURCE), ctx.runId, 'trade-spill/');
    const trade: TradeSpill = { spill: new PartitionSpill(ctx.store, tradeFlows, scratch), rejects: [] };
    yield await readBundled(ctx.store, { ...opts, asOf: ctx.at, onProgress: ctx.progress }, trade);
    yield* tradeParts(ctx.store, trade);
  },
});
