-- product_world_supply: a product's world supply per year — world exports by exporting country in
-- the world-trade dataset chosen for it (world_supply, basis exports), for its own HS6 code or, where
-- only its HS4 heading is covered, the heading — beside the US side of the two-sided view
-- (supply_two_sided: US-import HHI and the MGI classification) and China's share of US imports (dependency).
-- Report query, page family "product" (key hs6): one row per year with a world figure.
WITH products AS (
  SELECT DISTINCT c.hs6
  FROM concentration c
  WHERE c.reporter_iso3 = :reporter AND c.flow = :import_flow
),
matched AS (
  SELECT p.hs6, w.year, w.product_code, w.product_level, w.dataset, w.source_id, w.coverage, w.n_countries,
    w.total_value, w.hhi, w.cr1, w.cr3, w.top_iso3, w.china_share,
    ROW_NUMBER() OVER (
      PARTITION BY p.hs6, w.year ORDER BY CASE WHEN w.product_level = 'HS6' THEN 1 ELSE 2 END
    ) AS pick
  FROM products p
  JOIN world_supply w
    ON w.basis = 'exports' AND w.is_chosen
    AND (w.product_code = p.hs6 OR (w.product_level = 'HS4' AND w.product_code = SUBSTR(p.hs6, 1, 4)))
)
SELECT m.hs6, m.year, m.product_code AS world_product_code, m.product_level AS world_product_level, m.dataset,
  m.source_id, m.coverage, m.n_countries, m.total_value AS world_value_usd, m.hhi AS world_hhi,
  m.cr1 AS world_cr1, m.cr3 AS world_cr3, m.top_iso3 AS world_top_iso3, m.china_share AS world_china_share,
  t.us_import_hhi, t.threshold AS two_sided_threshold, t.classification, d.china_share AS us_china_share
FROM matched m
LEFT JOIN supply_two_sided t ON t.hs6 = m.hs6 AND t.year = m.year
LEFT JOIN dependency d
  ON d.reporter_iso3 = :reporter AND d.flow = :import_flow AND d.hs6 = m.hs6 AND d.year = m.year
WHERE m.pick = 1
ORDER BY m.hs6, m.year
