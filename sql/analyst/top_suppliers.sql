-- title: Top suppliers for a product and year
-- description: Who supplies one HS6 product to a reporter in one year: import value, share of the
--   reporter's imports from supplier countries, and rank. Aggregates (World, "nes" areas) are not
--   suppliers and Comtrade partner 490 "Other Asia, nes" counts as Taiwan, so the figures are the
--   ones on the product page of the report site (products/<hs6>.html).
-- @param hs string = 854231 HS 6-digit product code (the basket table lists them)
-- @param year int = 2024 Reference year
-- @param reporter string = USA Importing country, ISO3
-- @param top_n int[1..] = 10 How many suppliers to list (1 or more)
SELECT
  s.rank,
  s.partner_iso3,
  s.partner_name,
  s.value_usd,
  s.share
FROM supplier_shares s
WHERE s.flow = 'M'
  AND s.reporter_iso3 = :reporter
  AND s.hs6 = :hs
  AND s.year = :year
  AND s.rank <= :top_n
ORDER BY s.rank
