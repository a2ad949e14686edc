-- production_trend: per country series (sector × commodity × stage × measure × source_id × geo),
-- from production_shares, over the years with a value.
--
--   change_pp       = (last_share − first_share) · 100, percentage points (the headline for shares)
--   relative_change = last_share / first_share − 1; NULL when first_share is 0
--   cagr            = (last_share / first_share)^(1 / (last_year − first_year)) − 1, the actual year
--                     gap; NULL with one year only or when either end ≤ 0
--   slope           = OLS slope of the share per year (regr_slope, x centred on 2000); NULL with
--                     fewer than 5 years
-- Portable SQL: runs unchanged on Athena (Trino) and DuckDB.
WITH
spans AS (
  SELECT s.sector, s.commodity, s.stage, s.measure, s.source_id, s.geo_iso3,
    MIN(s.year) AS first_year,
    MAX(s.year) AS last_year,
    COUNT(*) AS n_years,
    CASE WHEN COUNT(*) >= 5 THEN regr_slope(s.share, CAST(s.year - 2000 AS DOUBLE)) END AS slope
  FROM production_shares s
  GROUP BY s.sector, s.commodity, s.stage, s.measure, s.source_id, s.geo_iso3
),
ends AS (
  SELECT p.*,
    MAX(CASE WHEN s.year = p.first_year THEN s.share END) AS first_share,
    MAX(CASE WHEN s.year = p.last_year THEN s.share END) AS last_share
  FROM spans p
  JOIN production_shares s
    ON s.sector = p.sector AND s.commodity = p.commodity AND s.stage = p.stage AND s.measure = p.measure
    AND s.source_id = p.source_id AND s.geo_iso3 = p.geo_iso3
  GROUP BY p.sector, p.commodity, p.stage, p.measure, p.source_id, p.geo_iso3,
    p.first_year, p.last_year, p.n_years, p.slope
)
SELECT
  CAST(e.sector AS VARCHAR) AS sector,
  CAST(e.commodity AS VARCHAR) AS commodity,
  CAST(e.stage AS VARCHAR) AS stage,
  CAST(e.measure AS VARCHAR) AS measure,
  CAST(e.source_id AS VARCHAR) AS source_id,
  CAST(e.geo_iso3 AS VARCHAR) AS geo_iso3,
  CAST(e.first_year AS INTEGER) AS first_year,
  CAST(e.last_year AS INTEGER) AS last_year,
  CAST(e.first_share AS DOUBLE) AS first_share,
  CAST(e.last_share AS DOUBLE) AS last_share,
  CAST((e.last_share - e.first_share) * 100 AS DOUBLE) AS change_pp,
  CAST(CASE WHEN e.first_share <> 0 THEN e.last_share / e.first_share - 1 END AS DOUBLE) AS relative_change,
  CAST(CASE WHEN e.last_year > e.first_year AND e.first_share > 0 AND e.last_share > 0
    THEN POWER(e.last_share / e.first_share, 1e0 / (e.last_year - e.first_year)) - 1 END AS DOUBLE) AS cagr,
  CAST(e.slope AS DOUBLE) AS slope,
  CAST(e.n_years AS INTEGER) AS n_years
FROM ends e
ORDER BY e.sector, e.commodity, e.stage, e.measure, e.source_id, e.geo_iso3
