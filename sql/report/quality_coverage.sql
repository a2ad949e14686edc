-- quality_coverage: rows and the last period per cited source, in the trade and production tables
-- (a trade period is YYYY for an annual row, YYYY-MM for a month), for the data-quality page.
-- Report query, site-wide: one row per table and source_id.
SELECT c.table_name, c.source_id, c.row_count, c.through
FROM (
  SELECT 'trade_flows' AS table_name, t.source_id, COUNT(*) AS row_count,
    MAX(CASE WHEN t.month = 0 THEN CAST(t.year AS VARCHAR)
      ELSE CAST(t.year AS VARCHAR) || '-' || lpad(CAST(t.month AS VARCHAR), 2, '0') END) AS through
  FROM trade_flows t
  GROUP BY t.source_id
  UNION ALL
  SELECT 'production' AS table_name, p.source_id, COUNT(*) AS row_count,
    MAX(CASE WHEN p.year IS NULL THEN '' ELSE CAST(p.year AS VARCHAR) END) AS through
  FROM production p
  GROUP BY p.source_id
) c
ORDER BY c.table_name, c.source_id
