-- trade_trend: per series (reporter × HS6 × flow), one row per year present, from dependency
-- (total over supplier countries, China share).
--
--   yoy                   = total / total(year − 1) − 1, only when year − 1 is present (LAG + gap check)
--   china_share_change_pp = (share − share(year − 1)) · 100, same rule
--   cagr                  = (total / total(first_year))^(1 / (year − first_year)) − 1, the actual
--                           year gap; NULL in the first year or when either end ≤ 0
--   china_share_slope     = OLS slope of the China share per year over the whole series
--                           (regr_slope with x centred on 2000); NULL with fewer than 5 years
-- Missing years stay missing: nothing is interpolated or zero-filled.
-- Portable SQL: runs unchanged on Athena (Trino) and DuckDB.
WITH
series AS (
  SELECT d.reporter_iso3, d.hs6, d.flow, d.year, d.total_value_usd, d.china_share, d.provisional,
    LAG(d.year) OVER (PARTITION BY d.reporter_iso3, d.hs6, d.flow ORDER BY d.year) AS prev_year,
    LAG(d.total_value_usd) OVER (PARTITION BY d.reporter_iso3, d.hs6, d.flow ORDER BY d.year) AS prev_total,
    LAG(d.china_share) OVER (PARTITION BY d.reporter_iso3, d.hs6, d.flow ORDER BY d.year) AS prev_share,
    MIN(d.year) OVER (PARTITION BY d.reporter_iso3, d.hs6, d.flow) AS first_year
  FROM dependency d
),
first_values AS (
  SELECT s.reporter_iso3, s.hs6, s.flow, s.total_value_usd AS first_total
  FROM series s
  WHERE s.year = s.first_year
),
slopes AS (
  SELECT d.reporter_iso3, d.hs6, d.flow,
    CASE WHEN COUNT(*) >= 5
      THEN regr_slope(d.china_share, CAST(d.year - 2000 AS DOUBLE)) END AS china_share_slope
  FROM dependency d
  GROUP BY d.reporter_iso3, d.hs6, d.flow
)
SELECT
  CAST(s.reporter_iso3 AS VARCHAR) AS reporter_iso3,
  CAST(s.hs6 AS VARCHAR) AS hs6,
  CAST(s.flow AS VARCHAR) AS flow,
  CAST(s.year AS INTEGER) AS year,
  CAST(s.total_value_usd AS DOUBLE) AS total_value_usd,
  CAST(CASE WHEN s.prev_year = s.year - 1 AND s.prev_total > 0
    THEN s.total_value_usd / s.prev_total - 1 END AS DOUBLE) AS yoy,
  CAST(s.china_share AS DOUBLE) AS china_share,
  CAST(CASE WHEN s.prev_year = s.year - 1
    THEN (s.china_share - s.prev_share) * 100 END AS DOUBLE) AS china_share_change_pp,
  CAST(s.first_year AS INTEGER) AS first_year,
  CAST(CASE WHEN s.year > s.first_year AND f.first_total > 0 AND s.total_value_usd > 0
    THEN POWER(s.total_value_usd / f.first_total, 1e0 / (s.year - s.first_year)) - 1 END AS DOUBLE) AS cagr,
  CAST(l.china_share_slope AS DOUBLE) AS china_share_slope,
  CAST(s.provisional AS BOOLEAN) AS provisional
FROM series s
JOIN first_values f ON f.reporter_iso3 = s.reporter_iso3 AND f.hs6 = s.hs6 AND f.flow = s.flow
JOIN slopes l ON l.reporter_iso3 = s.reporter_iso3 AND l.hs6 = s.hs6 AND l.flow = s.flow
ORDER BY s.reporter_iso3, s.hs6, s.flow, s.year
