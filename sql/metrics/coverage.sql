-- coverage: what the lake holds — table × product × year × source → rows and whether the figures
-- are provisional. A query that finds nothing can be checked against it (the CLI's empty-result note
-- points here); a basket product with no trade rows at all is listed with 0 rows and no year, so the
-- gap shows.
--
-- provisional (the same rule as the trade metrics' provisional column, trade_cell_sources.sql):
--   trade_flows  the year is the source's latest complete year or later (statistical offices revise
--                it; a year is complete with an annual row or all 12 months), or a row is estimated;
--   world_trade  the year is the latest of its dataset;
--   production   a row is estimated (qualifier 'e') or a projection.
-- Portable SQL: runs unchanged on Athena (Trino) and DuckDB.
WITH
trade_years AS (
  SELECT t.source, t.year,
    MAX(CASE WHEN t.month = 0 THEN 1 ELSE 0 END) = 1
      OR COUNT(DISTINCT CASE WHEN t.month > 0 THEN t.month END) = 12 AS complete
  FROM trade_flows t
  GROUP BY t.source, t.year
),
latest_complete AS (
  SELECT y.source, MAX(y.year) AS year FROM trade_years y WHERE y.complete GROUP BY y.source
),
world_latest AS (
  SELECT w.source, w.dataset, MAX(w.year) AS year FROM world_trade w GROUP BY w.source, w.dataset
),
held AS (
  SELECT 'trade_flows' AS table_name, t.hs6 AS product, t.year, t.source, COUNT(*) AS row_count,
    MAX(CASE WHEN t.is_estimated THEN 1 ELSE 0 END) = 1 OR t.year >= COALESCE(l.year, t.year) AS provisional
  FROM trade_flows t
  LEFT JOIN latest_complete l ON l.source = t.source
  GROUP BY t.hs6, t.year, t.source, l.year
  UNION ALL
  SELECT 'world_trade', w.hs_code, w.year, w.source, COUNT(*), w.year >= MAX(l.year)
  FROM world_trade w
  JOIN world_latest l ON l.source = w.source AND l.dataset = w.dataset
  GROUP BY w.hs_code, w.year, w.source
  UNION ALL
  SELECT 'production', p.commodity, p.year, p.source, COUNT(*),
    MAX(CASE WHEN p.qualifier = 'e' OR p.is_projection THEN 1 ELSE 0 END) = 1
  FROM production p
  GROUP BY p.commodity, p.year, p.source
  UNION ALL
  SELECT 'trade_flows', b.hs6, CAST(NULL AS INTEGER), CAST(NULL AS VARCHAR), 0, false
  FROM basket b
  WHERE NOT EXISTS (SELECT 1 FROM trade_flows t WHERE t.hs6 = b.hs6)
)
SELECT
  CAST(h.table_name AS VARCHAR) AS table_name,
  CAST(h.product AS VARCHAR) AS product,
  CAST(h.year AS INTEGER) AS year,
  CAST(h.source AS VARCHAR) AS source,
  CAST(h.row_count AS BIGINT) AS row_count,
  CAST(h.provisional AS BOOLEAN) AS provisional
FROM held h
ORDER BY h.table_name, h.product, h.year, h.source
