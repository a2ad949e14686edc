-- claim_dependency: the dependency rows a claim check names — one reporter and flow, the listed
-- HS6 codes (:hs6_codes, comma-separated), the years :year_from–:year_to (either end may be open)
-- — from which the check weights a share by value per year.
-- Report query, claims: the rows of one check (products × years).
SELECT d.year, d.hs6, d.total_value_usd, d.china_share, d.china_hkg_share, d.ally_share, d.covered_share,
  d.covered_hkg_share
FROM dependency d
WHERE d.reporter_iso3 = :reporter AND d.flow = :flow
  AND strpos(',' || :hs6_codes || ',', ',' || d.hs6 || ',') > 0
  AND (CAST(:year_from AS INTEGER) IS NULL OR d.year >= :year_from)
  AND (CAST(:year_to AS INTEGER) IS NULL OR d.year <= :year_to)
ORDER BY d.year, d.hs6
