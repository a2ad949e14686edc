-- supply_two_sided: per US-imported product and year, concentration of US imports against
-- concentration of world supply, classified as the McKinsey Global Institute (2023) does.
--
--   us_import_hhi = HHI of US imports by supplier country (concentration: reporter USA, flow M)
--   world_hhi     = HHI of world exports (world_supply, basis exports, the chosen dataset), for the
--                   product itself or, where only its HS4 heading is covered, the heading (2846 for
--                   284610 and 284690: world_product_code says which)
--   threshold     = the MGI_2023 thresholds of screen_frameworks (HHI 0.3 on both sides)
--   classification (HHI rounded to 12 decimals, strict '>'):
--     global            US imports above and world supply above: few suppliers exist at all
--     economy_specific  US imports above, world supply not: many suppliers exist, the US relies on a few
--     not_concentrated  US imports at or below the threshold
--     not_computable    US imports above, no world figure for the product and year
-- Portable SQL: runs unchanged on Athena (Trino) and DuckDB.
WITH
thresholds AS (
  SELECT
    MAX(CASE WHEN f.measure = 'us_import_hhi' THEN f.threshold END) AS import_threshold,
    MAX(CASE WHEN f.measure = 'world_export_hhi' THEN f.threshold END) AS world_threshold
  FROM screen_frameworks f
  WHERE f.framework_id = 'MGI_2023'
),
us_imports AS (
  SELECT c.hs6, c.year, c.hhi, c.cr1, c.top_supplier_iso3
  FROM concentration c
  WHERE c.reporter_iso3 = 'USA' AND c.flow = 'M'
),
world AS (
  SELECT w.product_code, w.product_level, w.year, w.hhi, w.top_iso3, w.cr1, w.china_share, w.dataset, w.source_id
  FROM world_supply w
  WHERE w.basis = 'exports' AND w.is_chosen
),
matched AS (
  SELECT u.hs6, u.year, u.hhi AS us_import_hhi, u.cr1 AS us_cr1, u.top_supplier_iso3,
    w.hhi AS world_hhi, w.top_iso3 AS world_top_iso3, w.cr1 AS world_cr1, w.china_share AS world_china_share,
    w.product_code AS world_product_code, w.dataset AS world_dataset, w.source_id AS world_source_id,
    ROW_NUMBER() OVER (
      PARTITION BY u.hs6, u.year ORDER BY CASE WHEN w.product_level = 'HS6' THEN 1 ELSE 2 END
    ) AS pick
  FROM us_imports u
  LEFT JOIN world w
    ON w.year = u.year
    AND (w.product_code = u.hs6 OR (w.product_level = 'HS4' AND w.product_code = SUBSTR(u.hs6, 1, 4)))
)
SELECT
  CAST(m.hs6 AS VARCHAR) AS hs6,
  CAST(m.year AS INTEGER) AS year,
  CAST(m.us_import_hhi AS DOUBLE) AS us_import_hhi,
  CAST(m.top_supplier_iso3 AS VARCHAR) AS us_top_supplier_iso3,
  CAST(m.us_cr1 AS DOUBLE) AS us_cr1,
  CAST(m.world_hhi AS DOUBLE) AS world_hhi,
  CAST(m.world_top_iso3 AS VARCHAR) AS world_top_iso3,
  CAST(m.world_cr1 AS DOUBLE) AS world_cr1,
  CAST(m.world_china_share AS DOUBLE) AS world_china_share,
  CAST(m.world_product_code AS VARCHAR) AS world_product_code,
  CAST(m.world_dataset AS VARCHAR) AS world_dataset,
  CAST(m.world_source_id AS VARCHAR) AS world_source_id,
  CAST(t.import_threshold AS DOUBLE) AS threshold,
  CAST(CASE
    WHEN ROUND(m.us_import_hhi, 12) <= t.import_threshold THEN 'not_concentrated'
    WHEN m.world_hhi IS NULL THEN 'not_computable'
    WHEN ROUND(m.world_hhi, 12) > t.world_threshold THEN 'global'
    ELSE 'economy_specific'
  END AS VARCHAR) AS classification
FROM matched m
JOIN thresholds t ON t.import_threshold IS NOT NULL AND t.world_threshold IS NOT NULL
WHERE m.pick = 1
ORDER BY m.hs6, m.year
