-- title: Products where the US import HHI exceeds 0.4
-- description: Products whose imports are concentrated on few supplier countries in one year:
--   HHI of import shares (0–1, Σ s²) above the threshold — 0.4 is the EU SWD(2021) 352 cut-off,
--   4,000 points on the antitrust scale. HHI is rounded to 12 decimals before the strict '>' so
--   floating-point noise cannot flip a product that sits exactly on the line.
-- @param threshold double[0..1] = 0.4 HHI cut-off, 0–1 (strictly greater than)
-- @param year int = 2024 Reference year
-- @param reporter string = USA Importing country, ISO3
SELECT
  c.hs6,
  b.sector,
  b.label AS product,
  c.hhi,
  c.hhi_points,
  c.cr1,
  c.top_supplier_iso3,
  c.n_suppliers,
  c.n_eff,
  c.total_value_usd
FROM concentration c
LEFT JOIN basket b ON b.hs6 = c.hs6
WHERE c.flow = 'M'
  AND c.reporter_iso3 = :reporter
  AND c.year = :year
  AND ROUND(c.hhi, 12) > :threshold
ORDER BY c.hhi DESC, c.hs6
