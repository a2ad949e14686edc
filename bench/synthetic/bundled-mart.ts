import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO } from '../stages/context.ts';
import { rng } from './random.ts';

const MART = 'us_imports_by_partner_hs6.csv';
const HEADER =
  'basket,canonical_product_id,year,partner_code,partner_iso3,partner_name,is_aggregate_partner,import_value_usd,share,rank';

/** A CSV field, quoted when it holds a comma or a quote (partner names such as "Korea, Rep."). */
const field = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/**
 * A copy of data/bundled whose trade mart has `rows` rows in the mart's own layout: every basket product ×
 * every partner with a Comtrade code in countries.csv, year by year back from 2025 (the real reference data
 * bound one year of the mart to products × partners rows, ~6,700), seeded values. Cached by row count.
 */
export async function bundledMartData(work: string, rows: number, seed = 7): Promise<string> {
  const dir = join(work, `bundled-${rows}`);
  const done = join(dir, '.complete');
  if (
    await readFile(done, 'utf8')
      .then(() => true)
      .catch(() => false)
  )
    return dir;
  await mkdir(dir, { recursive: true });
  const bundled = join(REPO, 'data', 'bundled');
  for (const f of await readdir(bundled)) if (f !== MART) await copyFile(join(bundled, f), join(dir, f));
  const csvRows = async (file: string) => {
    const [head, ...lines] = (await readFile(join(REPO, 'data-schemas', 'reference', file), 'utf8')).trim().split('\n');
    const names = head.split(',');
    // The reference files quote no field with a comma in the columns read here (codes, ISO3, sector).
    return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [names[i], v])));
  };
  const products = (await csvRows('basket.csv')).map((b) => ({ sector: b.sector, hs6: b.hs6 }));
  const countriesText = (await readFile(join(REPO, 'data-schemas', 'reference', 'countries.csv'), 'utf8')).trim();
  const partners = countriesText
    .split('\n')
    .slice(1)
    .map((line) => {
      // iso3,name,comtrade_code,…: the name may be quoted and hold commas.
      const m = /^([A-Z0-9]+),("(?:[^"]|"")*"|[^,]*),([^,]*),[^,]*,[^,]*,(true|false),/.exec(line);
      return m
        ? { iso3: m[1], name: m[2].replace(/^"|"$/g, '').replace(/""/g, '"'), code: m[3], aggregate: m[4] }
        : undefined;
    })
    .filter((p): p is NonNullable<typeof p> => p !== undefined && p.code !== '');
  const random = rng(seed);
  const lines: string[] = [HEADER];
  let written = 0;
  for (let year = 2025; written < rows; year--) {
    for (const p of products) {
      for (const c of partners) {
        if (written >= rows) break;
        const value = Math.round(random() * 1e9) / 100;
        lines.push(
          `${p.sector},${p.hs6},${year},${c.code},${c.iso3},${field(c.name)},${c.aggregate === 'true' ? 't' : 'f'},${value},,`,
        );
        written++;
      }
    }
    // Written a year at a time, so generating 1M rows holds one year's lines.
    await writeFile(join(dir, MART), lines.join('\n') + '\n', { flag: year === 2025 ? 'w' : 'a' });
    lines.length = 0;
  }
  await writeFile(done, `${rows}\n`);
  return dir;
}
