import type { QueryResult } from '../seams/query-engine.ts';

/** pandas dtype of an engine type; dates and timestamps are parsed instead (parse_dates). */
function pandasDtype(engineType: string): string | undefined {
  const t = engineType.toLowerCase();
  if (t === 'boolean') return 'boolean';
  if (/^(tiny|small|big|huge|u)?int(eger)?$|^u(small|tiny|big)int$/.test(t)) return 'Int64';
  if (/^(double|float|real|decimal)/.test(t)) return 'float64';
  if (/^(date|timestamp)/.test(t)) return undefined;
  return 'string';
}

/**
 * `<out>.schema.json`: a result file's column types, and the keyword arguments that make pandas read
 * the CSV with them — text stays text (an HS6 code `010121` keeps its leading zero), integers stay
 * integers with NULLs, dates become datetimes:
 *   pd.read_csv(f, **json.load(open(f + '.schema.json'))['pandas'])
 */
export function schemaSidecar(columns: QueryResult['columns']): string {
  const dtype: Record<string, string> = {};
  const parseDates: string[] = [];
  for (const c of columns) {
    const d = pandasDtype(c.type);
    if (d) dtype[c.name] = d;
    else parseDates.push(c.name);
  }
  return `${JSON.stringify({ columns, pandas: { dtype, parse_dates: parseDates } }, null, 2)}\n`;
}
