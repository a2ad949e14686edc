-- product_years: a product's supplier concentration per year, with its dependency shares and the
-- name of the year's largest supplier (key figures, HHI and share-line charts, exposure, snapshot).
-- Report query, page family "product" (key hs6): one row per year.
SELECT c.hs6, c.year, c.total_value_usd, c.hhi, c.cr1, c.top_supplier_iso3, c.n_suppliers, c.nes_share,
  d.hs6 IS NOT NULL AS has_dependency,
  d.china_share, d.china_hkg_share, d.ally_share, d.covered_share, d.covered_hkg_share,
  s.partner_name AS top_supplier_name
FROM concentration c
LEFT JOIN dependency d
  ON d.reporter_iso3 = c.reporter_iso3 AND d.flow = c.flow AND d.hs6 = c.hs6 AND d.year = c.year
LEFT JOIN supplier_shares s
  ON s.reporter_iso3 = c.reporter_iso3 AND s.flow = c.flow AND s.hs6 = c.hs6 AND s.year = c.year AND s.rank = 1
WHERE c.reporter_iso3 = :reporter AND c.flow = :import_flow
ORDER BY c.hs6, c.year
