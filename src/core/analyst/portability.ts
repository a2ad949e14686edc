import { TrinoSQL } from 'dt-sql-parser/dist/parser/trino/index.js';
import { toPositional } from '../sql/placeholders.ts';
import { lineAt, segmentSql } from '../sql/sql-text.ts';

/**
 * Will this SQL also run on Athena (Trino, engine v3)? Analysts try queries locally on DuckDB,
 * which accepts more than Trino does; this check warns before the query fails in AWS.
 * Two checks: the Trino grammar (catches `::`, QUALIFY, ILIKE, `$1`, list literals, …) and
 * DuckDB-only function names that parse fine but do not exist in Trino.
 */
export interface PortabilityWarning {
  line: number;
  column?: number;
  message: string;
}

/** DuckDB functions with no Trino namesake, and what to write instead (research: aws-notes §3). */
const DUCKDB_ONLY_FUNCTIONS: Record<string, string> = {
  strftime: 'avoid date formatting in shared SQL (Trino has date_format with other patterns)',
  strptime: 'avoid date parsing in shared SQL (Trino has date_parse with other patterns)',
  regexp_matches: 'regexp_like',
  json_extract_string: 'normalise JSON at ingest (Trino has json_extract_scalar)',
  approx_quantile: 'approx_percentile (shimmed locally)',
  quantile_cont: 'approx_percentile (shimmed locally)',
  quantile_disc: 'approx_percentile (shimmed locally)',
  list_value: 'ARRAY[…]',
  list_aggregate: 'array functions with the Trino names',
  string_agg: 'array_join(array_agg(x), sep)',
  group_concat: 'array_join(array_agg(x), sep)',
  epoch: 'to_unixtime',
  datediff: 'year*12+month arithmetic (date_diff differs between the engines)',
};

const parser = new TrinoSQL();

export function checkTrinoPortability(sql: string): PortabilityWarning[] {
  const positional = toPositional(sql).sql;
  const warnings: PortabilityWarning[] = parser
    .validate(positional)
    .map((e) => ({ line: e.startLine, column: e.startColumn, message: `Trino cannot parse this: ${e.message}` }));
  for (const seg of segmentSql(positional)) {
    if (seg.kind !== 'code') continue;
    for (const m of seg.text.matchAll(/\b([A-Za-z_][A-Za-z0-9_]*)\s*\(/g)) {
      const instead = DUCKDB_ONLY_FUNCTIONS[m[1].toLowerCase()];
      if (instead)
        warnings.push({
          line: lineAt(positional, seg.start + m.index),
          message: `${m[1]}() is DuckDB-only; on Athena use ${instead}`,
        });
    }
  }
  return warnings.sort((a, b) => a.line - b.line || (a.column ?? 0) - (b.column ?? 0));
}

export const formatPortabilityWarning = (w: PortabilityWarning): string =>
  `line ${w.line}${w.column ? `:${w.column}` : ''}: ${w.message}`;
