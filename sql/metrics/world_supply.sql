-- world_supply: concentration of world supply per product and year, on two bases.
--
--   exports     world exports of an HS product by exporting country, from world_trade: rows a country
--               declares as exports to World (Comtrade reporters, OEC), or reconciled bilateral flows
--               (BACI) summed over importers. Exports to one partner (the mirror pull's exports to the
--               USA) are not world exports and never count. One dataset per row: datasets are never
--               added up.
--   production  world production or capacity by country, from production_shares and
--               production_concentration (the residual "other countries" is in the denominator only).
--
--   hhi = Σ x_c² / (Σ x_c)² over countries; cr1, cr3; china_share = x_CHN / Σ x_c.
--   usa_value: the USA's value; 0 when a complete listing has none; NULL when the listing cannot tell
--              (a trimmed list, a reporters-only list where the USA did not report, a country list).
--   is_chosen: per basis and product, one dataset for the whole series — the one with the most years,
--              then the fuller coverage (complete, top_flows, reporters, country_list), then by name —
--              so a change of listing never shows as a change of concentration. Production: the
--              source with the most years, then the latest edition (source_id descending).
-- Portable SQL: runs unchanged on Athena (Trino) and DuckDB.
WITH
exports AS (
  SELECT w.dataset, w.source_id, w.coverage, w.hs_code, w.hs_level, w.year, w.exporter_iso3,
    SUM(w.value_usd) AS value
  FROM world_trade w
  WHERE w.flow = 'X' AND w.value_usd > 0 AND NOT w.exporter_is_aggregate
    AND (w.importer_iso3 = 'WLD' OR (w.reported_by = 'reconciled' AND NOT w.importer_is_aggregate))
  GROUP BY w.dataset, w.source_id, w.coverage, w.hs_code, w.hs_level, w.year, w.exporter_iso3
),
ranked_exports AS (
  SELECT e.*,
    SUM(e.value) OVER (PARTITION BY e.dataset, e.hs_code, e.year) AS total,
    ROW_NUMBER() OVER (PARTITION BY e.dataset, e.hs_code, e.year ORDER BY e.value DESC, e.exporter_iso3) AS country_rank
  FROM exports e
),
export_years AS (
  SELECT r.dataset, r.source_id, r.coverage, r.hs_code, r.hs_level, r.year,
    COUNT(*) AS n_countries,
    MAX(r.total) AS total_value,
    SUM((r.value / r.total) * (r.value / r.total)) AS hhi,
    SUM(CASE WHEN r.country_rank = 1 THEN r.value / r.total END) AS cr1,
    SUM(CASE WHEN r.country_rank <= 3 THEN r.value / r.total END) AS cr3,
    MAX(CASE WHEN r.country_rank = 1 THEN r.exporter_iso3 END) AS top_iso3,
    SUM(CASE WHEN r.exporter_iso3 = 'CHN' THEN r.value / r.total ELSE 0e0 END) AS china_share,
    SUM(CASE WHEN r.exporter_iso3 = 'USA' THEN r.value END) AS usa_listed
  FROM ranked_exports r
  GROUP BY r.dataset, r.source_id, r.coverage, r.hs_code, r.hs_level, r.year
),
export_series AS (
  SELECT s.dataset, s.hs_code,
    ROW_NUMBER() OVER (
      PARTITION BY s.hs_code
      ORDER BY s.n_years DESC,
        CASE s.coverage WHEN 'complete' THEN 1 WHEN 'top_flows' THEN 2 WHEN 'reporters' THEN 3 ELSE 4 END,
        s.dataset
    ) AS pick
  FROM (
    SELECT y.dataset, y.hs_code, MIN(y.coverage) AS coverage, COUNT(*) AS n_years
    FROM export_years y
    GROUP BY y.dataset, y.hs_code
  ) s
),
export_rows AS (
  SELECT 'exports' AS basis, y.hs_code AS product_code,
    CASE WHEN y.hs_level = 4 THEN 'HS4' ELSE 'HS6' END AS product_level,
    'trade' AS stage, 'exports' AS measure, y.year, y.dataset, y.source_id, y.coverage,
    y.n_countries, y.total_value, 'usd' AS unit, y.hhi, y.cr1, y.cr3, y.top_iso3, y.china_share,
    CASE
      WHEN y.usa_listed IS NOT NULL THEN y.usa_listed
      WHEN y.coverage = 'complete' THEN 0e0
    END AS usa_value,
    s.pick = 1 AS is_chosen
  FROM export_years y
  JOIN export_series s ON s.dataset = y.dataset AND s.hs_code = y.hs_code
),
production_values AS (
  SELECT p.sector, p.commodity, p.stage, p.measure, p.source_id, p.year,
    MIN(p.unit) AS unit,
    SUM(p.value) AS total_value,
    SUM(CASE WHEN p.geo_iso3 = 'CHN' THEN p.share ELSE 0e0 END) AS china_share,
    SUM(CASE WHEN p.geo_iso3 = 'USA' THEN p.value END) AS usa_value
  FROM production_shares p
  GROUP BY p.sector, p.commodity, p.stage, p.measure, p.source_id, p.year
),
production_series AS (
  SELECT s.sector, s.commodity, s.stage, s.measure, s.source_id,
    ROW_NUMBER() OVER (
      PARTITION BY s.sector, s.commodity, s.stage, s.measure
      ORDER BY s.n_years DESC, s.source_id DESC
    ) AS pick
  FROM (
    SELECT c.sector, c.commodity, c.stage, c.measure, c.source_id, COUNT(*) AS n_years
    FROM production_concentration c
    GROUP BY c.sector, c.commodity, c.stage, c.measure, c.source_id
  ) s
),
production_rows AS (
  SELECT 'production' AS basis, c.commodity AS product_code, 'commodity' AS product_level,
    c.stage, c.measure, c.year, c.source_id AS dataset, c.source_id, 'country_list' AS coverage,
    c.n_countries, v.total_value, v.unit, c.hhi, c.cr1, c.cr3, c.top_geo_iso3 AS top_iso3, v.china_share,
    v.usa_value,
    s.pick = 1 AS is_chosen
  FROM production_concentration c
  JOIN production_values v
    ON v.sector = c.sector AND v.commodity = c.commodity AND v.stage = c.stage AND v.measure = c.measure
    AND v.source_id = c.source_id AND v.year = c.year
  JOIN production_series s
    ON s.sector = c.sector AND s.commodity = c.commodity AND s.stage = c.stage AND s.measure = c.measure
    AND s.source_id = c.source_id
),
all_rows AS (
  SELECT * FROM export_rows
  UNION ALL
  SELECT * FROM production_rows
)
SELECT
  CAST(a.basis AS VARCHAR) AS basis,
  CAST(a.product_code AS VARCHAR) AS product_code,
  CAST(a.product_level AS VARCHAR) AS product_level,
  CAST(a.stage AS VARCHAR) AS stage,
  CAST(a.measure AS VARCHAR) AS measure,
  CAST(a.year AS INTEGER) AS year,
  CAST(a.dataset AS VARCHAR) AS dataset,
  CAST(a.source_id AS VARCHAR) AS source_id,
  CAST(a.coverage AS VARCHAR) AS coverage,
  CAST(a.n_countries AS INTEGER) AS n_countries,
  CAST(a.total_value AS DOUBLE) AS total_value,
  CAST(a.unit AS VARCHAR) AS unit,
  CAST(a.hhi AS DOUBLE) AS hhi,
  CAST(a.cr1 AS DOUBLE) AS cr1,
  CAST(a.cr3 AS DOUBLE) AS cr3,
  CAST(a.top_iso3 AS VARCHAR) AS top_iso3,
  CAST(a.china_share AS DOUBLE) AS china_share,
  CAST(a.usa_value AS DOUBLE) AS usa_value,
  CAST(a.is_chosen AS BOOLEAN) AS is_chosen
FROM all_rows a
ORDER BY a.basis, a.product_code, a.stage, a.measure, a.dataset, a.year
