-- product_suppliers: every supplier of a product in every year (the partner chart, the largest
-- suppliers table and the product's suppliers CSV, from which HHI and shares can be recomputed).
-- Report query, page family "product" (key hs6): one row per year and supplier.
SELECT s.reporter_iso3, s.hs6, s.flow, s.year, s.partner_iso3, s.partner_name, s.value_usd, s.share, s.rank, s.provisional
FROM supplier_shares s
WHERE s.reporter_iso3 = :reporter AND s.flow = :import_flow
ORDER BY s.hs6, s.year, s.rank
