-- product_mirror_gaps: mirror flows of a product into the US (mirror_gaps): what each exporter
-- declares exporting to the US against what the US declares importing from it, for the :top_n
-- exporters with the largest US-declared imports over the years where both sides are declared.
-- Report query, page family "product" (key hs6): at most :top_n rows per year of mirror data.
WITH declared AS (
  SELECT g.hs6, g.year, g.exporter_iso3, g.import_reported_usd, g.import_basis, g.export_reported_usd,
    g.export_basis, g.gap_usd, g.gap_pct, g.dataset, g.source_id, g.note
  FROM mirror_gaps g
  WHERE g.importer_iso3 = :reporter AND g.gap_pct IS NOT NULL
    AND g.hs6 IN (SELECT c.hs6 FROM concentration c WHERE c.reporter_iso3 = :reporter AND c.flow = :import_flow)
),
ranked AS (
  SELECT d.hs6, d.exporter_iso3, d.dataset,
    ROW_NUMBER() OVER (
      PARTITION BY d.hs6 ORDER BY SUM(d.import_reported_usd) DESC, d.exporter_iso3, d.dataset
    ) AS pair_rank
  FROM declared d
  GROUP BY d.hs6, d.exporter_iso3, d.dataset
)
SELECT d.hs6, d.year, d.exporter_iso3, r.pair_rank, d.import_reported_usd, d.import_basis, d.export_reported_usd,
  d.export_basis, d.gap_usd, d.gap_pct, d.dataset, d.source_id, d.note
FROM declared d
JOIN ranked r ON r.hs6 = d.hs6 AND r.exporter_iso3 = d.exporter_iso3 AND r.dataset = d.dataset
WHERE r.pair_rank <= :top_n
ORDER BY d.hs6, r.pair_rank, d.year
