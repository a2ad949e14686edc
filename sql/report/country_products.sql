-- country_products: for every product a leading supplier country supplies, its rank, value and share
-- in the product's latest year with imports from it (the country's chart and products table).
-- Report query, page family "country" (key iso3): one row per product supplied.
WITH supplied AS (
  SELECT s.partner_iso3, s.hs6, s.year, s.rank, s.value_usd, s.share
  FROM supplier_shares s
  WHERE s.reporter_iso3 = :reporter AND s.flow = :import_flow
    AND s.partner_iso3 IN (
      SELECT l.partner_iso3 FROM supplier_shares l
      WHERE l.reporter_iso3 = :reporter AND l.flow = :import_flow AND l.rank = 1
    )
),
latest AS (
  SELECT s.partner_iso3, s.hs6, MAX(s.year) AS year
  FROM supplied s
  GROUP BY s.partner_iso3, s.hs6
)
SELECT s.partner_iso3 AS iso3, s.hs6, s.year, s.rank, s.value_usd, s.share
FROM supplied s
JOIN latest l ON l.partner_iso3 = s.partner_iso3 AND l.hs6 = s.hs6 AND l.year = s.year
ORDER BY s.partner_iso3, s.hs6
