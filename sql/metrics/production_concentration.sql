-- production_concentration: concentration of production or capacity per series and year
-- (IEA-style top-3 share by stage), from production_shares.
--
--   shares are those of production_shares: the published share for 'percent' measures, else
--   value / Σ(countries + OTH). The OTH residual is in the denominator but is not a country, so
--   cr1/cr3/hhi are not renormalized over the listed countries (hhi is the "residual excluded"
--   lower bound of the metrics spec, §4.6).
--   n_countries = countries with a value > 0; rank by share desc, then value desc, then ISO3.
--   is_estimate = production_shares.is_estimate of the series-year (decided there, once per series-year).
-- Portable SQL: runs unchanged on Athena (Trino) and DuckDB.
WITH
ranked AS (
  SELECT s.sector, s.commodity, s.stage, s.measure, s.source_id, s.year, s.geo_iso3, s.share, s.is_estimate,
    ROW_NUMBER() OVER (
      PARTITION BY s.sector, s.commodity, s.stage, s.measure, s.source_id, s.year
      ORDER BY s.share DESC, s.value DESC, s.geo_iso3
    ) AS geo_rank
  FROM production_shares s
  WHERE s.value > 0
),
years AS (
  SELECT r.sector, r.commodity, r.stage, r.measure, r.source_id, r.year,
    COUNT(*) AS n_countries,
    SUM(CASE WHEN r.geo_rank = 1 THEN r.share END) AS cr1,
    SUM(CASE WHEN r.geo_rank <= 3 THEN r.share END) AS cr3,
    SUM(r.share * r.share) AS hhi,
    MAX(CASE WHEN r.geo_rank = 1 THEN r.geo_iso3 END) AS top_geo_iso3,
    MAX(CASE WHEN r.is_estimate THEN 1 ELSE 0 END) AS has_estimate
  FROM ranked r
  GROUP BY r.sector, r.commodity, r.stage, r.measure, r.source_id, r.year
)
SELECT
  CAST(y.sector AS VARCHAR) AS sector,
  CAST(y.commodity AS VARCHAR) AS commodity,
  CAST(y.stage AS VARCHAR) AS stage,
  CAST(y.measure AS VARCHAR) AS measure,
  CAST(y.source_id AS VARCHAR) AS source_id,
  CAST(y.year AS INTEGER) AS year,
  CAST(y.n_countries AS INTEGER) AS n_countries,
  CAST(y.cr1 AS DOUBLE) AS cr1,
  CAST(y.cr3 AS DOUBLE) AS cr3,
  CAST(y.hhi AS DOUBLE) AS hhi,
  CAST(y.top_geo_iso3 AS VARCHAR) AS top_geo_iso3,
  CAST(y.has_estimate = 1 AS BOOLEAN) AS is_estimate
FROM years y
ORDER BY y.sector, y.commodity, y.stage, y.measure, y.source_id, y.year
