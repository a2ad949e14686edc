import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  comtradeCsvHeader,
  comtradeCsvLine,
  toComtradeRecord,
  withDefect,
  type ComtradeRecord,
} from './comtrade-shape.ts';
import { badRowsOf, type SyntheticRow, type TradeShape } from './trade-rows.ts';
import type { Universe } from './universe.ts';

/**
 * One period's raw Comtrade records (good rows plus the defective ones spread among them), in the
 * two shapes the ingest benchmark reads:
 *   csv/<YYYY[-MM]>.csv                 every record, 47 columns: DuckDB's read_csv input
 *   api/<A|M>-<period>/<cmdCode>.json   the same records as JSON objects joined by ",\n", per HS code,
 *                                       so the local Comtrade API (bench/harness/comtrade-api.ts) can
 *                                       answer any request by concatenating files, without parsing
 */
export interface RawPeriod {
  records: number;
  bad: number;
  csvFile: string;
  /** `A-2024` or `M-202401`: the API's freqCode and period. */
  apiKey: string;
  /** Records per HS code (the API's countOnly answer is their sum over the requested codes). */
  counts: Record<string, number>;
}

const apiKeyOf = (year: number, month: number): string =>
  month === 0 ? `A-${year}` : `M-${year}${String(month).padStart(2, '0')}`;
const csvNameOf = (year: number, month: number): string =>
  `${month === 0 ? year : `${year}-${String(month).padStart(2, '0')}`}.csv`;

export async function writeRawPeriod(
  root: string,
  u: Universe,
  shape: TradeShape,
  year: number,
  month: number,
  rows: readonly SyntheticRow[],
): Promise<RawPeriod> {
  const bad = badRowsOf(rows, shape, year, month);
  const every = bad.length ? Math.max(1, Math.floor(rows.length / bad.length)) : Infinity;
  const csv: string[] = [comtradeCsvHeader()];
  const json = new Map<string, string[]>();
  const add = (row: SyntheticRow, record: ComtradeRecord) => {
    csv.push(comtradeCsvLine(record));
    // Filed under the row's real product: a defective cmdCode still arrives in that product's reply.
    const hs6 = u.products[row.product].hs6;
    const list = json.get(hs6) ?? [];
    list.push(JSON.stringify(record));
    json.set(hs6, list);
  };
  let b = 0;
  for (let i = 0; i < rows.length; i++) {
    add(rows[i], toComtradeRecord(u, rows[i]));
    if ((i + 1) % every === 0 && b < bad.length)
      add(bad[b].row, withDefect(toComtradeRecord(u, bad[b].row), bad[b++].defect));
  }
  while (b < bad.length) add(bad[b].row, withDefect(toComtradeRecord(u, bad[b].row), bad[b++].defect));

  const csvFile = join('csv', csvNameOf(year, month));
  const apiKey = apiKeyOf(year, month);
  await mkdir(join(root, 'csv'), { recursive: true });
  await mkdir(join(root, 'api', apiKey), { recursive: true });
  await writeFile(join(root, csvFile), csv.join(''));
  const counts: Record<string, number> = {};
  for (const [hs6, records] of [...json].sort(([a], [b]) => (a < b ? -1 : 1))) {
    await writeFile(join(root, 'api', apiKey, `${hs6}.json`), records.join(',\n'));
    counts[hs6] = records.length;
  }
  return { records: rows.length + bad.length, bad: bad.length, csvFile, apiKey, counts };
}

/** `api/index.json`: records per period and HS code. */
export const writeApiIndex = (root: string, index: Record<string, Record<string, number>>): Promise<void> =>
  writeFile(join(root, 'api', 'index.json'), JSON.stringify(index) + '\n');
