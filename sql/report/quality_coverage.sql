-- quality_coverage: rows and the last period per cited source, in the trade and production tables
-- (a trade period is YYYY for an annual row, YYYY-MM for a month), for the data-quality page. The
-- last observed period and the last projected year are kept apart: a source that only projects
-- (e.g. shares "by 2032") has no observed data through that year. '' = no dated row of that kind.
-- Report query, site-wide: one row per table and source_id.
SELECT c.table_name, c.source_id, c.row_count, c.through, c.projected_to
FROM (
  SELECT 'trade_flows' AS table_name, t.source_id, COUNT(*) AS row_count,
    MAX(CASE WHEN t.month = 0 THEN CAST(t.year AS VARCHAR)
      ELSE CAST(t.year AS VARCHAR) || '-' || lpad(CAST(t.month AS VARCHAR), 2, '0') END) AS through,
    '' AS projected_to
  FROM trade_flows t
  GROUP BY t.source_id
  UNION ALL
  SELECT 'production' AS table_name, p.source_id, COUNT(*) AS row_count,
    COALESCE(MAX(CASE WHEN p.is_projection OR p.year IS NULL THEN NULL ELSE CAST(p.year AS VARCHAR) END), '') AS through,
    COALESCE(MAX(CASE WHEN p.is_projection AND p.year IS NOT NULL THEN CAST(p.year AS VARCHAR) END), '') AS projected_to
  FROM production p
  GROUP BY p.source_id
) c
ORDER BY c.table_name, c.source_id
