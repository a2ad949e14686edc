-- country_led: the product-years in which a country was the largest supplier of US imports; a
-- country with any has a page (the products it led, the countries index).
-- Report query, page family "country" (key iso3): one row per product and year led.
SELECT s.partner_iso3 AS iso3, s.hs6, s.year
FROM supplier_shares s
WHERE s.reporter_iso3 = :reporter AND s.flow = :import_flow AND s.rank = 1
ORDER BY s.partner_iso3, s.hs6, s.year
