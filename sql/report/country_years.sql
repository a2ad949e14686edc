-- country_years: the years in which a leading supplier country supplied US imports of any product
-- (the years its chart's sources cover).
-- Report query, page family "country" (key iso3): one row per year.
SELECT DISTINCT s.partner_iso3 AS iso3, s.year
FROM supplier_shares s
WHERE s.reporter_iso3 = :reporter AND s.flow = :import_flow
  AND s.partner_iso3 IN (
    SELECT l.partner_iso3 FROM supplier_shares l
    WHERE l.reporter_iso3 = :reporter AND l.flow = :import_flow AND l.rank = 1
  )
ORDER BY s.partner_iso3, s.year
