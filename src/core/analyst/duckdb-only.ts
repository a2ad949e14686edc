import { lineAt, segmentSql } from '../sql/sql-text.ts';

/**
 * DuckDB-only SQL and what to write instead so it also runs on Athena (Trino, engine v3): a table of
 * rewrites and a scan at the level of tokens, which needs no SQL grammar (loading the Trino grammar
 * costs a noticeable part of a query's start-up). Research: /work/shared/aws-notes.md §3.
 */
export interface PortabilityWarning {
  line: number;
  column?: number;
  message: string;
}

export const formatPortabilityWarning = (w: PortabilityWarning): string =>
  `line ${w.line}${w.column ? `:${w.column}` : ''}: ${w.message}`;

/** DuckDB functions Trino lacks (or has under another name or meaning), and the Athena spelling. */
export const FUNCTION_REWRITES: Record<string, string> = {
  arg_max: 'max_by(x, by)',
  argmax: 'max_by(x, by)',
  arg_min: 'min_by(x, by)',
  argmin: 'min_by(x, by)',
  first: 'arbitrary(x), or min_by(x, by) for a defined order',
  last: 'max_by(x, by)',
  list: 'array_agg(x)',
  string_agg: 'array_join(array_agg(x), sep), or listagg(x, sep) WITHIN GROUP (ORDER BY x)',
  group_concat: 'array_join(array_agg(x), sep), or listagg(x, sep) WITHIN GROUP (ORDER BY x)',
  array_to_string: 'array_join(array, sep)',
  array_length: 'cardinality(array)',
  len: 'length(text) or cardinality(array)',
  strlen: 'length(text)',
  string_split: 'split(text, sep)',
  str_split: 'split(text, sep)',
  string_split_regex: 'regexp_split(text, pattern)',
  regexp_split_to_array: 'regexp_split(text, pattern)',
  regexp_matches: 'regexp_like(text, pattern)',
  regexp_full_match: "regexp_like(text, '^(?:pattern)$')",
  suffix: "text LIKE '%' || s",
  ends_with: "text LIKE '%' || s",
  prefix: 'starts_with(text, s)',
  ifnull: 'coalesce(x, y)',
  printf: 'format(pattern, …)',
  trunc: 'truncate(x)',
  strftime: "date_format(x, '%Y-%m-%d') (MySQL-style patterns)",
  strptime: "date_parse(text, '%Y-%m-%d') (MySQL-style patterns)",
  today: 'current_date',
  epoch: 'to_unixtime(x)',
  epoch_ms: 'to_unixtime(x) * 1000',
  to_timestamp: 'from_unixtime(seconds)',
  make_date: "from_iso8601_date(format('%04d-%02d-%02d', y, m, d))",
  date_part: 'EXTRACT(YEAR FROM x) or year(x)',
  datepart: 'EXTRACT(YEAR FROM x) or year(x)',
  datediff: 'year * 12 + month arithmetic (date_diff counts differently on the two engines)',
  dayofweek: 'day_of_week(x)',
  json_extract_string: 'json_extract_scalar(json, path)',
  median: 'approx_percentile(x, 0.5)',
  quantile: 'approx_percentile(x, p)',
  quantile_cont: 'approx_percentile(x, p)',
  quantile_disc: 'approx_percentile(x, p)',
  approx_quantile: 'approx_percentile(x, p)',
  mode: 'a GROUP BY count ordered by the count',
  generate_series: 'sequence(start, stop)',
  range: 'sequence(start, stop - 1)',
  struct_pack: 'CAST(ROW(…) AS ROW(name type, …))',
  struct_extract: 'row.field',
  read_csv: 'the lake table by its name',
  read_csv_auto: 'the lake table by its name',
  read_parquet: 'the lake table by its name',
  read_json: 'the lake table by its name',
  read_json_auto: 'the lake table by its name',
  glob: 'the lake table by its name',
};

/** DuckDB's list functions by their prefix: Trino names array functions differently. */
export const LIST_FUNCTION_REWRITES: Record<string, string> = {
  list_value: 'ARRAY[…]',
  list_pack: 'ARRAY[…]',
  list_contains: 'contains(array, x)',
  list_has: 'contains(array, x)',
  list_extract: 'element_at(array, i)',
  list_element: 'element_at(array, i)',
  list_position: 'array_position(array, x)',
  list_sort: 'array_sort(array)',
  list_distinct: 'array_distinct(array)',
  list_unique: 'cardinality(array_distinct(array))',
  list_concat: 'concat(array1, array2)',
  list_cat: 'concat(array1, array2)',
  list_filter: 'filter(array, x -> …)',
  list_transform: 'transform(array, x -> …)',
  list_apply: 'transform(array, x -> …)',
  list_reduce: 'reduce(array, start, (s, x) -> …, s -> s)',
  list_slice: 'slice(array, start, length)',
  list_aggregate: 'the array function of that name (array_max, array_min, …) or reduce',
};
const ANY_LIST_FUNCTION = 'the Trino array function (element_at, contains, cardinality, array_*, transform, filter)';

/** Constructs only DuckDB parses, found token by token in code (never in literals or comments). */
const CONSTRUCTS: { pattern: RegExp; rewrite: (m: RegExpMatchArray) => string }[] = [
  {
    // `year::VARCHAR` → `CAST(year AS VARCHAR)`; the operand is named when it is a plain name or number.
    pattern: /(?:([A-Za-z_][\w.]*|\d+(?:\.\d+)?)\s*)?::\s*([A-Za-z_]\w*(?:\s*\(\s*\d+(?:\s*,\s*\d+)?\s*\))?)/g,
    rewrite: (m) =>
      m[1]
        ? `${m[1]}::${m[2]} is DuckDB-only; on Athena write CAST(${m[1]} AS ${m[2].toUpperCase()})`
        : `x::${m[2]} is DuckDB-only; on Athena write CAST(x AS ${m[2].toUpperCase()})`,
  },
  {
    pattern: /\bQUALIFY\b/gi,
    rewrite: () =>
      'QUALIFY is DuckDB-only; on Athena filter in a subquery: SELECT * FROM (SELECT …, ROW_NUMBER() OVER (PARTITION BY … ORDER BY …) AS rn FROM …) WHERE rn = 1',
  },
  {
    pattern: /\bNOT\s+ILIKE\b|\bILIKE\b/gi,
    rewrite: (m) =>
      `${m[0].toUpperCase()} is DuckDB-only; on Athena write lower(x) ${/NOT/i.test(m[0]) ? 'NOT ' : ''}LIKE lower(pattern)`,
  },
  {
    // Trino's GROUP BY ALL a, b is a set quantifier before grouping elements; DuckDB's stands alone.
    pattern:
      /\b(GROUP)\s+BY\s+ALL\b(?=\s*(?:$|[);]|\b(?:ORDER|HAVING|LIMIT|OFFSET|WINDOW|QUALIFY|UNION|EXCEPT|INTERSECT|FETCH)\b))|\b(ORDER)\s+BY\s+ALL\b/gi,
    rewrite: (m) => {
      const clause = (m[1] ?? m[2]).toUpperCase();
      return `${clause} BY ALL is DuckDB-only; on Athena list the columns (or their positions: ${clause} BY 1, 2)`;
    },
  },
  {
    pattern: /\*\s*(EXCLUDE|REPLACE)\s*\(/gi,
    rewrite: (m) => `SELECT * ${m[1].toUpperCase()} (…) is DuckDB-only; on Athena list the columns you want`,
  },
  {
    pattern: /\$([A-Za-z_]\w*|\d+)\b/g,
    rewrite: (m) => `$${m[1]} is a DuckDB parameter; write :${/^\d/.test(m[1]) ? 'name' : m[1]} and pass --param`,
  },
  {
    pattern: /^\s*FROM\b/gi,
    rewrite: () => 'a query starting with FROM is DuckDB-only; on Athena write SELECT … FROM …',
  },
];

function functionRewrite(name: string): string | undefined {
  const lower = name.toLowerCase();
  return (
    FUNCTION_REWRITES[lower] ??
    LIST_FUNCTION_REWRITES[lower] ??
    (lower.startsWith('list_') ? ANY_LIST_FUNCTION : undefined)
  );
}

/**
 * DuckDB-only functions and constructs in SQL, each with the line and the rewrite Athena runs. A
 * function name is only a call when `(` follows it, so a column named `first` or `range` is no call.
 */
export function duckdbOnlyWarnings(sql: string): PortabilityWarning[] {
  const warnings: PortabilityWarning[] = [];
  const at = (offset: number, message: string) => warnings.push({ line: lineAt(sql, offset), message });
  const code = segmentSql(sql).filter((s) => s.kind === 'code');
  for (const seg of code) {
    for (const m of seg.text.matchAll(/(?<![.\w])([A-Za-z_][A-Za-z0-9_]*)\s*\(/g)) {
      const instead = functionRewrite(m[1]);
      if (instead) at(seg.start + m.index, `${m[1]}() is DuckDB-only; on Athena use ${instead}`);
    }
    for (const { pattern, rewrite } of CONSTRUCTS) {
      // A query starting with FROM is one only at the very start of the statement.
      if (pattern.source.startsWith('^') && seg !== code[0]) continue;
      for (const m of seg.text.matchAll(pattern)) at(seg.start + m.index, rewrite(m));
    }
  }
  return warnings.sort((a, b) => a.line - b.line);
}
