import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { basket, countries, type BasketRow, type CountryRow } from '../../../data-schemas/curated.ts';
import type { TableDef } from '../../../data-schemas/table.ts';
import { InputError } from '../errors.ts';
import { parseCsv } from './csv.ts';
import { referenceRows } from './reference.ts';
import { settle } from './settle.ts';
import { DEFAULT_DATA_DIR, DEFAULT_REFERENCE_DIR } from './sources/bundled.ts';

/**
 * The reference data the live connectors normalize with, all from `data-schemas/reference/`:
 * Comtrade and Census code → country (with the aggregate flag and the 490 → TWN note), and the basket.
 * USGS writes country names, so names are matched too: the countries table's names plus the
 * name → ISO3 pairs the bundled USGS extract already carries (e.g. "Burma" → MMR).
 */
export interface LiveReference {
  countries: readonly CountryRow[];
  basket: readonly BasketRow[];
  byComtradeCode: ReadonlyMap<string, CountryRow>;
  byCensusCode: ReadonlyMap<string, CountryRow>;
  byIso3: ReadonlyMap<string, CountryRow>;
  /** Lower-cased country name → ISO3. */
  byName: ReadonlyMap<string, string>;
}

/** The bundled USGS extracts, whose country/iso3 columns pair USGS names with ISO3 codes. */
const USGS_EXTRACT = /^usgs_mcs\d{4}_world_production\.csv$/;

async function read(dir: string, file: string): Promise<string> {
  try {
    return await readFile(join(dir, file), 'utf8');
  } catch (cause) {
    throw new InputError(
      `Reference file ${join(dir, file)} cannot be read: ${(cause as Error).message}`,
      'Run from the repository root (or the Lambda asset root), where data-schemas/reference/ and data/bundled/ live.',
      { cause },
    );
  }
}

function buildLiveReference(
  countryRows: readonly CountryRow[],
  basketRows: readonly BasketRow[],
  usgsNames: Iterable<[string, string]> = [],
): LiveReference {
  const index = (pick: (c: CountryRow) => string | null) =>
    new Map(countryRows.filter((c) => pick(c) !== null).map((c) => [pick(c)!, c]));
  const byName = new Map(countryRows.map((c) => [c.name.toLowerCase(), c.iso3]));
  for (const [name, iso3] of usgsNames) if (iso3 !== '') byName.set(name.toLowerCase(), iso3);
  return {
    countries: countryRows,
    basket: basketRows,
    byComtradeCode: index((c) => c.comtrade_code),
    byCensusCode: index((c) => c.census_code),
    byIso3: index((c) => c.iso3),
    byName,
  };
}

export async function loadLiveReference(
  referenceDir = DEFAULT_REFERENCE_DIR,
  dataDir = DEFAULT_DATA_DIR,
): Promise<LiveReference> {
  const refDir = resolve(referenceDir);
  const settled = async <R>(file: string, def: TableDef) => {
    return settle<R>(def, referenceRows(parseCsv(await read(refDir, file), file), def)).rows.map((c) => c.row);
  };
  const countryRows = await settled<CountryRow>('countries.csv', countries);
  const basketRows = await settled<BasketRow>('basket.csv', basket);
  const names: [string, string][] = [];
  for (const file of (await readdir(resolve(dataDir)).catch(() => [])).filter((f) => USGS_EXTRACT.test(f)).sort()) {
    for (const r of parseCsv(await read(resolve(dataDir), file), file).records)
      names.push([r.values.country ?? '', (r.values.iso3 ?? '').trim()]);
  }
  return buildLiveReference(countryRows, basketRows, names);
}
