-- title: Mirror gaps for a product: partner-reported exports against US-reported imports
-- description: For one HS6 product, what each partner reports exporting to the importer against what
--   the importer reports importing from it (mirror_gaps), largest absolute gap first. US imports are
--   customs value, partner exports FOB: freight and insurance alone would make imports the larger
--   side, so a positive gap (the partner reports more) runs against valuation. Rows with one side
--   only have no gap. The bundled data hold 850511 (permanent magnets) for 2022 and 2024.
-- @param hs string = 850511 HS 6-digit product code
-- @param importer string = USA Importing country, ISO3
SELECT
  g.year,
  g.exporter_iso3,
  n.name AS exporter,
  g.import_reported_usd,
  g.import_basis,
  g.export_reported_usd,
  g.export_basis,
  g.gap_usd,
  g.gap_pct,
  g.source_id,
  g.note
FROM mirror_gaps g
LEFT JOIN countries n ON n.iso3 = g.exporter_iso3
WHERE g.hs6 = :hs AND g.importer_iso3 = :importer
ORDER BY g.year, CASE WHEN g.gap_usd IS NULL THEN 1 ELSE 0 END, ABS(g.gap_usd) DESC, g.exporter_iso3
