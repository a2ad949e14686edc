-- mirror_gaps: mirror flows from world_trade — what the exporter declares exporting to the importer
-- against what the importer declares importing from it, per product, year and dataset (both sides of
-- one pull, so one release; datasets are never mixed).
--
--   import_reported_usd  importer-declared imports (flow M, reported_by importer; US: customs value)
--   export_reported_usd  exporter-declared exports (flow X, reported_by exporter; FOB)
--   gap_usd              export − import, only when both sides are declared
--   gap_pct              gap_usd / import_reported_usd, only when both are declared and imports > 0.
--                        CIF import values include freight and insurance, so a positive gap (the
--                        exporter reports more) runs against the valuation difference.
-- Aggregate partners (World) are not countries and never form a pair. Reconciled datasets (BACI)
-- have one value per flow and no mirror side.
-- Portable SQL: runs unchanged on Athena (Trino) and DuckDB.
WITH
declared AS (
  SELECT w.dataset, w.source_id, w.importer_iso3, w.exporter_iso3, w.hs_code, w.year,
    SUM(CASE WHEN w.reported_by = 'importer' AND w.flow = 'M' THEN w.value_usd END) AS import_reported,
    MAX(CASE WHEN w.reported_by = 'importer' AND w.flow = 'M' THEN w.value_basis END) AS import_basis,
    MAX(CASE WHEN w.reported_by = 'importer' AND w.flow = 'M' THEN w.note END) AS import_note,
    SUM(CASE WHEN w.reported_by = 'exporter' AND w.flow = 'X' THEN w.value_usd END) AS export_reported,
    MAX(CASE WHEN w.reported_by = 'exporter' AND w.flow = 'X' THEN w.value_basis END) AS export_basis,
    MAX(CASE WHEN w.reported_by = 'exporter' AND w.flow = 'X' THEN w.note END) AS export_note
  FROM world_trade w
  WHERE w.hs_level = 6 AND NOT w.exporter_is_aggregate AND NOT w.importer_is_aggregate
    AND w.reported_by IN ('importer', 'exporter') AND w.flow IN ('M', 'X')
  GROUP BY w.dataset, w.source_id, w.importer_iso3, w.exporter_iso3, w.hs_code, w.year
)
SELECT
  CAST(d.importer_iso3 AS VARCHAR) AS importer_iso3,
  CAST(d.exporter_iso3 AS VARCHAR) AS exporter_iso3,
  CAST(d.hs_code AS VARCHAR) AS hs6,
  CAST(d.year AS INTEGER) AS year,
  CAST(d.import_reported AS DOUBLE) AS import_reported_usd,
  CAST(d.import_basis AS VARCHAR) AS import_basis,
  CAST(d.export_reported AS DOUBLE) AS export_reported_usd,
  CAST(d.export_basis AS VARCHAR) AS export_basis,
  CAST(d.export_reported - d.import_reported AS DOUBLE) AS gap_usd,
  CAST(CASE WHEN d.import_reported > 0
    THEN (d.export_reported - d.import_reported) / d.import_reported END AS DOUBLE) AS gap_pct,
  CAST(d.dataset AS VARCHAR) AS dataset,
  CAST(d.source_id AS VARCHAR) AS source_id,
  CAST(NULLIF(TRIM(
    COALESCE('import side: ' || d.import_note || '. ', '') || COALESCE('export side: ' || d.export_note || '.', '')
  ), '') AS VARCHAR) AS note
FROM declared d
ORDER BY d.importer_iso3, d.hs_code, d.year, d.exporter_iso3
