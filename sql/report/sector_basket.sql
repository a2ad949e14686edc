-- sector_basket: the products the basket lists for a sector (the sector page names those without
-- US import data).
-- Report query, page family "sector" (key sector): one row per basket product.
SELECT b.sector, b.hs6, b.label
FROM basket b
ORDER BY b.sector, b.hs6
