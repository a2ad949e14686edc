-- production_shares: share per country and year for production, capacity, reserves and
-- published-share series — of the base the measure names: world output or reserves for levels, as
-- published for percent measures (world capacity or demand, US imports, US consumption). A series = sector × commodity × stage × measure × source_id; series
-- from different sources (e.g. two USGS editions) are never mixed.
--
-- Rows used: observations only (value and year present, not a projection, not a growth rate
-- such as unit_detail 'percent_change'). Aggregate geographies never appear as countries.
--   unit 'percent' (a published share): share = value / 100, as published (not renormalized)
--   any other unit: share = value / Σ(countries + OTH) for the same series, unit and year, where
--     OTH is the source's residual "other countries" row (in the denominator only). World (WLD)
--     is never added in; it only tells whether the listed rows make up the world:
--       with a World row:    Σ(countries + OTH) ≥ 0.95 · World (USGS rounds world totals to two or
--                            three significant figures: cobalt reserves list 11.5 Mt of 12 Mt);
--       without a World row: an OTH row is present and no regional group (EUR, EASIA, …) is.
--     A series-year that fails this (a lone country, or China + US of a world total with Europe
--     given as a region) gets no share: a share of the listed rows would overstate every country.
--   yoy        = value / value(year − 1) − 1, only when year − 1 is present
--   share_roll3 = mean share over year−2 … year, only when all three years are present
--                 (calendar self-join: Athena RANGE-offset frames are avoided)
--   is_estimate = the source marks a figure of the series-year as estimated (qualifier 'e', USGS):
--                 a share of an estimated total is an estimate too. Decided here once; the report
--                 shows such a year as "2025 (est.)" wherever the share appears.
-- If a series lists a geography twice for one year (two period labels), the latest period wins.
-- Portable SQL: runs unchanged on Athena (Trino) and DuckDB.
WITH
observations AS (
  SELECT sector, commodity, stage, measure, source_id, unit, geo_iso3, geo_name, geo_is_aggregate, year, value
  FROM (
    SELECT p.*,
      ROW_NUMBER() OVER (
        PARTITION BY p.sector, p.commodity, p.stage, p.measure, p.source_id, p.unit, p.geo_iso3, p.year
        ORDER BY p.period DESC, p.value DESC
      ) AS pick
    FROM production p
    WHERE p.value IS NOT NULL AND p.year IS NOT NULL AND NOT p.is_projection
      -- a growth rate is a percentage but neither a level nor a share
      AND COALESCE(p.unit_detail, '') <> 'percent_change'
  ) latest
  WHERE pick = 1
),
series_years AS (
  SELECT o.sector, o.commodity, o.stage, o.measure, o.source_id, o.unit, o.year,
    SUM(CASE WHEN NOT o.geo_is_aggregate OR o.geo_iso3 = 'OTH' THEN o.value END) AS listed_value,
    MAX(CASE WHEN o.geo_iso3 = 'WLD' THEN o.value END) AS world_value,
    MAX(CASE WHEN o.geo_iso3 = 'OTH' THEN 1 ELSE 0 END) AS has_residual,
    MAX(CASE WHEN o.geo_is_aggregate AND o.geo_iso3 NOT IN ('WLD', 'OTH') THEN 1 ELSE 0 END) AS has_region
  FROM observations o
  GROUP BY o.sector, o.commodity, o.stage, o.measure, o.source_id, o.unit, o.year
),
shares AS (
  SELECT o.sector, o.commodity, o.stage, o.measure, o.source_id, o.unit, o.geo_iso3, o.geo_name, o.year, o.value,
    CASE
      WHEN o.unit = 'percent' THEN o.value / 100
      WHEN (y.world_value IS NOT NULL AND y.listed_value >= 0.95 * y.world_value)
        OR (y.world_value IS NULL AND y.has_residual = 1 AND y.has_region = 0)
        THEN o.value / NULLIF(y.listed_value, 0)
    END AS share
  FROM observations o
  JOIN series_years y
    ON y.sector = o.sector AND y.commodity = o.commodity AND y.stage = o.stage AND y.measure = o.measure
    AND y.source_id = o.source_id AND y.unit = o.unit AND y.year = o.year
  WHERE NOT o.geo_is_aggregate
),
country_years AS (
  SELECT s.*,
    LAG(s.year) OVER (
      PARTITION BY s.sector, s.commodity, s.stage, s.measure, s.source_id, s.unit, s.geo_iso3 ORDER BY s.year
    ) AS prev_year,
    LAG(s.value) OVER (
      PARTITION BY s.sector, s.commodity, s.stage, s.measure, s.source_id, s.unit, s.geo_iso3 ORDER BY s.year
    ) AS prev_value
  FROM shares s
  WHERE s.share IS NOT NULL
),
estimated_years AS (
  SELECT e.sector, e.commodity, e.stage, e.measure, e.source_id, e.unit, e.year,
    MAX(CASE WHEN e.qualifier = 'e' THEN 1 ELSE 0 END) AS has_estimate
  FROM production e
  WHERE e.year IS NOT NULL AND NOT e.is_projection
  GROUP BY e.sector, e.commodity, e.stage, e.measure, e.source_id, e.unit, e.year
),
rolling AS (
  SELECT c.sector, c.commodity, c.stage, c.measure, c.source_id, c.unit, c.geo_iso3, c.year,
    COUNT(*) AS years_present,
    AVG(w.share) AS mean_share
  FROM country_years c
  JOIN country_years w
    ON w.sector = c.sector AND w.commodity = c.commodity AND w.stage = c.stage AND w.measure = c.measure
    AND w.source_id = c.source_id AND w.unit = c.unit AND w.geo_iso3 = c.geo_iso3
    AND w.year BETWEEN c.year - 2 AND c.year
  GROUP BY c.sector, c.commodity, c.stage, c.measure, c.source_id, c.unit, c.geo_iso3, c.year
)
SELECT
  CAST(c.sector AS VARCHAR) AS sector,
  CAST(c.commodity AS VARCHAR) AS commodity,
  CAST(c.stage AS VARCHAR) AS stage,
  CAST(c.measure AS VARCHAR) AS measure,
  CAST(c.source_id AS VARCHAR) AS source_id,
  CAST(c.geo_iso3 AS VARCHAR) AS geo_iso3,
  CAST(c.geo_name AS VARCHAR) AS geo_name,
  CAST(c.year AS INTEGER) AS year,
  CAST(c.value AS DOUBLE) AS value,
  CAST(c.unit AS VARCHAR) AS unit,
  CAST(c.share AS DOUBLE) AS share,
  CAST(CASE WHEN c.prev_year = c.year - 1 AND c.prev_value <> 0
    THEN c.value / c.prev_value - 1 END AS DOUBLE) AS yoy,
  CAST(CASE WHEN r.years_present = 3 THEN r.mean_share END AS DOUBLE) AS share_roll3,
  CAST(COALESCE(e.has_estimate, 0) = 1 AS BOOLEAN) AS is_estimate
FROM country_years c
JOIN rolling r
  ON r.sector = c.sector AND r.commodity = c.commodity AND r.stage = c.stage AND r.measure = c.measure
  AND r.source_id = c.source_id AND r.unit = c.unit AND r.geo_iso3 = c.geo_iso3 AND r.year = c.year
LEFT JOIN estimated_years e
  ON e.sector = c.sector AND e.commodity = c.commodity AND e.stage = c.stage AND e.measure = c.measure
  AND e.source_id = c.source_id AND e.unit = c.unit AND e.year = c.year
ORDER BY c.sector, c.commodity, c.stage, c.measure, c.source_id, c.geo_iso3, c.year
