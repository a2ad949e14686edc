-- production_latest: the production table with one USGS edition per figure — for each sector ×
-- commodity × stage × measure × unit × country × year, the rows of the latest edition that gives it —
-- so a join to trade on year finds each figure once (2024 is in both MCS 2025 and MCS 2026).
--
--   edition     the USGS publication and edition year in the row's source_id (USGS_MCS2026_REE and
--               USGS_MCS2024_DR_REE → MCS2026, MCS2024; USGS_MYB2018_REE → MYB2018); null for other
--               publishers, whose rows all stay (one source each, never an edition of another).
--   latest      the highest edition year, then the greatest source_id (the bundled MCS 2026 and the
--               live MCS 2026 data release give one figure once); older editions keep their rows in
--               production, and production_shares keeps each edition as its own series.
--   provisional the row is estimated (qualifier 'e') or a projection: the coverage table's rule.
-- Portable SQL: runs unchanged on Athena (Trino) and DuckDB (regexp_extract gives '' on DuckDB and
-- NULL on Trino for no match; NULLIF makes both NULL).
WITH
editions AS (
  SELECT p.*,
    NULLIF(regexp_extract(p.source_id, '^USGS_([A-Z]+[0-9]{4})_', 1), '') AS edition
  FROM production p
),
ranked AS (
  SELECT e.*,
    FIRST_VALUE(e.source_id) OVER (
      PARTITION BY e.sector, e.commodity, e.stage, e.measure, e.unit, e.geo_iso3, e.year
      ORDER BY CAST(substr(e.edition, length(e.edition) - 3) AS INTEGER) DESC, e.source_id DESC
    ) AS latest_source_id
  FROM editions e
  WHERE e.edition IS NOT NULL
)
SELECT
  CAST(r.source AS VARCHAR) AS source,
  CAST(r.sector AS VARCHAR) AS sector,
  CAST(r.commodity AS VARCHAR) AS commodity,
  CAST(r.stage AS VARCHAR) AS stage,
  CAST(r.measure AS VARCHAR) AS measure,
  CAST(r.geo_iso3 AS VARCHAR) AS geo_iso3,
  CAST(r.geo_name AS VARCHAR) AS geo_name,
  CAST(r.geo_is_aggregate AS BOOLEAN) AS geo_is_aggregate,
  CAST(r.period AS VARCHAR) AS period,
  CAST(r.year AS INTEGER) AS year,
  CAST(r.value AS DOUBLE) AS value,
  CAST(r.unit AS VARCHAR) AS unit,
  CAST(r.unit_detail AS VARCHAR) AS unit_detail,
  CAST(r.qualifier AS VARCHAR) AS qualifier,
  CAST(r.is_projection AS BOOLEAN) AS is_projection,
  CAST(r.source_id AS VARCHAR) AS source_id,
  CAST(r.note AS VARCHAR) AS note,
  CAST(r.edition AS VARCHAR) AS edition,
  CAST(COALESCE(r.qualifier, '') = 'e' OR r.is_projection AS BOOLEAN) AS provisional
FROM (
  SELECT k.* FROM ranked k WHERE k.source_id = k.latest_source_id
  UNION ALL
  SELECT e.*, e.source_id FROM editions e WHERE e.edition IS NULL
) r
ORDER BY r.sector, r.commodity, r.stage, r.measure, r.source_id, r.geo_iso3, r.year, r.period
