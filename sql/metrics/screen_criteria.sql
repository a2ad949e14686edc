-- screen_criteria: every criterion of every framework in screen_frameworks, for every US-imported
-- product and year (concentration: reporter USA, flow M). A criterion tests one measure:
--
--   us_import_hhi           HHI of US imports by supplier country (concentration)
--   top_supplier_share      share of the largest US supplier, CR1 (concentration)
--   world_export_hhi        HHI of world exports (world_supply, exports, the chosen dataset) of the
--                           product, or of its HS4 heading where only the heading is covered
--   import_export_ratio     US imports / US exports of the same product and year. Exports come from
--                           the world dataset matched above; imports from concentration (at HS4: the
--                           sum of the heading's HS6 rows). Exports of 0 in a complete listing give
--                           9999 (the GeoDep convention); a listing that cannot tell US exports
--                           (trimmed, reporters-only without a US declaration) gives no value.
--   supplier_ratio          US supplier countries / countries exporting the product worldwide, only
--                           from a listing of every flow (coverage complete, same HS6)
--   extra_bloc_import_share never computable for one country (see the reason)
--
-- status: 'not_computable' when the value is NULL — a value is never guessed; else the value (rounded
-- to 12 decimals, so 0.4 computed as 0.4000000000000001 is not above 0.4) against the threshold with
-- the strict comparison of the framework: 'met' or 'not_met'.
-- Valuation: US imports are customs value (importer-reported), exports FOB; the basis says so.
-- Portable SQL: runs unchanged on Athena (Trino) and DuckDB.
-- partitions: trade_flows month=0
WITH
import_sources AS (
  -- citation ids of the rows each US import cell is computed from (one ingest source per cell)
  SELECT t.hs6, t.year, MIN(t.source_id) AS source_id
  FROM trade_flows t
  JOIN trade_cell_sources c
    ON c.reporter_iso3 = t.reporter_iso3 AND c.hs6 = t.hs6 AND c.flow = t.flow AND c.year = t.year AND c.source = t.source
  WHERE t.month = 0 AND t.reporter_iso3 = 'USA' AND t.flow = 'M'
  GROUP BY t.hs6, t.year
),
us_imports AS (
  SELECT c.hs6, c.year, c.hhi, c.cr1, c.n_suppliers, c.total_value_usd, COALESCE(s.source_id, 'unknown') AS source_id
  FROM concentration c
  LEFT JOIN import_sources s ON s.hs6 = c.hs6 AND s.year = c.year
  WHERE c.reporter_iso3 = 'USA' AND c.flow = 'M'
),
heading_imports AS (
  SELECT SUBSTR(u.hs6, 1, 4) AS hs4, u.year, SUM(u.total_value_usd) AS total_value_usd
  FROM us_imports u
  GROUP BY SUBSTR(u.hs6, 1, 4), u.year
),
world_matched AS (
  SELECT u.hs6, u.year, w.product_code, w.product_level, w.hhi, w.usa_value, w.dataset, w.source_id, w.coverage,
    ROW_NUMBER() OVER (
      PARTITION BY u.hs6, u.year ORDER BY CASE WHEN w.product_level = 'HS6' THEN 1 ELSE 2 END
    ) AS pick
  FROM us_imports u
  JOIN world_supply w
    ON w.basis = 'exports' AND w.is_chosen AND w.year = u.year
    AND (w.product_code = u.hs6 OR (w.product_level = 'HS4' AND w.product_code = SUBSTR(u.hs6, 1, 4)))
),
world AS (
  SELECT m.*
  FROM world_matched m
  WHERE m.pick = 1
),
complete_world AS (
  SELECT w.product_code AS hs6, w.year, MAX(w.n_countries) AS n_exporters, MIN(w.dataset) AS dataset, MIN(w.source_id) AS source_id
  FROM world_supply w
  WHERE w.basis = 'exports' AND w.coverage = 'complete' AND w.product_level = 'HS6'
  GROUP BY w.product_code, w.year
),
measures AS (
  SELECT u.hs6, u.year, 'us_import_hhi' AS measure, u.hhi AS value,
    'US imports by supplier country (importer-reported, customs value)' AS basis, u.source_id AS source_ids
  FROM us_imports u
  UNION ALL
  SELECT u.hs6, u.year, 'top_supplier_share', u.cr1,
    'share of the largest supplier in US imports (importer-reported); a share of imports, not of US consumption',
    u.source_id
  FROM us_imports u
  UNION ALL
  SELECT u.hs6, u.year, 'world_export_hhi', w.hhi,
    CASE WHEN w.hhi IS NULL
      THEN 'not computable: no world-trade dataset in the lake covers ' || u.hs6 || ' or its HS4 heading in ' || CAST(u.year AS VARCHAR)
      ELSE 'world exports of ' || w.product_level || ' ' || w.product_code || ' by exporting country, dataset ' || w.dataset
        || ' (coverage ' || w.coverage || ', FOB)'
    END,
    COALESCE(w.source_id, '')
  FROM us_imports u
  LEFT JOIN world w ON w.hs6 = u.hs6 AND w.year = u.year
  UNION ALL
  SELECT u.hs6, u.year, 'import_export_ratio',
    CASE
      WHEN w.usa_value IS NULL THEN NULL
      WHEN w.usa_value = 0 THEN 9999e0
      WHEN w.product_level = 'HS4' THEN h.total_value_usd / w.usa_value
      ELSE u.total_value_usd / w.usa_value
    END,
    CASE
      WHEN w.dataset IS NULL
        THEN 'not computable: no dataset in the lake gives US exports of ' || u.hs6 || ' in ' || CAST(u.year AS VARCHAR)
      WHEN w.usa_value IS NULL
        THEN 'not computable: dataset ' || w.dataset || ' (coverage ' || w.coverage || ') does not tell US exports'
      WHEN w.usa_value = 0 THEN 'no US exports in the complete listing ' || w.dataset || ': 9999 (GeoDep convention)'
      WHEN w.product_level = 'HS4'
        THEN 'US imports of HS4 ' || w.product_code || ' (sum of its HS6 rows, customs value) / US exports of HS4 '
          || w.product_code || ' in ' || w.dataset || ' (FOB)'
      ELSE 'US imports (customs value) / US exports in ' || w.dataset || ' (FOB)'
    END,
    CASE WHEN w.source_id IS NULL THEN u.source_id ELSE u.source_id || ',' || w.source_id END
  FROM us_imports u
  LEFT JOIN world w ON w.hs6 = u.hs6 AND w.year = u.year
  LEFT JOIN heading_imports h ON h.hs4 = w.product_code AND h.year = u.year
  UNION ALL
  SELECT u.hs6, u.year, 'supplier_ratio',
    CAST(u.n_suppliers AS DOUBLE) / w.n_exporters,
    CASE WHEN w.n_exporters IS NULL
      THEN 'not computable: no complete listing of world exporters of ' || u.hs6 || ' in ' || CAST(u.year AS VARCHAR)
        || ' (a trimmed or reporters-only list undercounts them)'
      ELSE 'US supplier countries (Comtrade) / countries exporting ' || u.hs6 || ' in the complete listing ' || w.dataset
    END,
    CASE WHEN w.source_id IS NULL THEN u.source_id ELSE u.source_id || ',' || w.source_id END
  FROM us_imports u
  LEFT JOIN complete_world w ON w.hs6 = u.hs6 AND w.year = u.year
  UNION ALL
  SELECT u.hs6, u.year, 'extra_bloc_import_share', CAST(NULL AS DOUBLE),
    'not computable: the USA is one country, with no intra-bloc imports; the demand analogue (imports / apparent consumption) needs US production and consumption of the HS6 product, which no source in the lake gives',
    ''
  FROM us_imports u
)
SELECT
  CAST(m.hs6 AS VARCHAR) AS hs6,
  CAST(m.year AS INTEGER) AS year,
  CAST(f.framework_id AS VARCHAR) AS framework_id,
  CAST(f.criterion_id AS VARCHAR) AS criterion_id,
  CAST(f.criterion_order AS INTEGER) AS criterion_order,
  CAST(f.role AS VARCHAR) AS role,
  CAST(m.measure AS VARCHAR) AS measure,
  CAST(m.value AS DOUBLE) AS value,
  CAST(f.comparison AS VARCHAR) AS comparison,
  CAST(f.threshold AS DOUBLE) AS threshold,
  CAST(CASE
    WHEN m.value IS NULL THEN 'not_computable'
    WHEN f.comparison = '>' AND ROUND(m.value, 12) > f.threshold THEN 'met'
    WHEN f.comparison = '<' AND ROUND(m.value, 12) < f.threshold THEN 'met'
    ELSE 'not_met'
  END AS VARCHAR) AS status,
  CAST(m.basis AS VARCHAR) AS basis,
  CAST(m.source_ids AS VARCHAR) AS source_ids
FROM measures m
JOIN screen_frameworks f ON f.measure = m.measure
ORDER BY m.hs6, m.year, f.framework_id, f.criterion_order
