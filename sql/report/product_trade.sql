-- product_trade: which products have a page (every HS6 code with US import rows), what the basket
-- calls them (in plain words, and the HS heading's own wording for analysts), and which sources give their trade rows in which years (chart captions, citations).
-- Report query, page family "product" (key hs6): one row per source and year of each product.
WITH basket_entry AS (
  -- one basket entry per code: a code listed in two sectors takes the last sector by name
  SELECT b.hs6, MAX(b.sector) AS sector, max_by(b.label, b.sector) AS label, max_by(b.stage, b.sector) AS stage,
    max_by(b.hs_wording, b.sector) AS hs_wording
  FROM basket b
  GROUP BY b.hs6
)
SELECT t.hs6, t.source_id, t.year, b.label, b.sector, b.stage, b.hs_wording
FROM (
  SELECT DISTINCT f.hs6, f.source_id, f.year
  FROM trade_flows f
  WHERE f.reporter_iso3 = :reporter AND f.flow = :import_flow
) t
LEFT JOIN basket_entry b ON b.hs6 = t.hs6
ORDER BY t.hs6, t.source_id, t.year
