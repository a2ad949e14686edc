-- title: Ally coverage for a product
-- description: Year by year, for one HS6 product: the shares of a reporter's imports from China,
--   from the US covered nations (CHN, RUS, IRN, PRK) and from the allies of the seed article
--   (ALLY_2021_SC: JPN, KOR, TWN, AUS), and ally coverage = ally imports / covered-nation
--   imports — how much of the at-risk supply allies already ship (1 = as much; NULL when
--   nothing comes from covered nations). top_ally is the largest ally supplier that year.
--   Group memberships apply within their valid_from/valid_to years in the partner_groups
--   table; a year outside them shows 0 and NULL.
-- @param hs string = 850511 HS 6-digit product code (the basket table lists them)
-- @param reporter string = USA Importing country, ISO3
WITH
allies AS (
  SELECT s.year, s.partner_iso3, s.value_usd,
    ROW_NUMBER() OVER (PARTITION BY s.year ORDER BY s.value_usd DESC, s.partner_iso3) AS ally_rank
  FROM supplier_shares s
  JOIN partner_groups g
    ON g.iso3 = s.partner_iso3
    AND g.group_id = 'ALLY_2021_SC'
    AND s.year >= g.valid_from
    AND (g.valid_to IS NULL OR s.year <= g.valid_to)
  WHERE s.flow = 'M' AND s.reporter_iso3 = :reporter AND s.hs6 = :hs
)
SELECT
  d.year,
  d.total_value_usd,
  d.china_share,
  d.covered_share,
  d.ally_share,
  d.ally_share * d.total_value_usd AS ally_value_usd,
  d.covered_share * d.total_value_usd AS covered_value_usd,
  CASE WHEN d.covered_share > 0 THEN d.ally_share / d.covered_share END AS ally_coverage,
  a.partner_iso3 AS top_ally
FROM dependency d
LEFT JOIN allies a ON a.year = d.year AND a.ally_rank = 1
WHERE d.flow = 'M' AND d.reporter_iso3 = :reporter AND d.hs6 = :hs
ORDER BY d.year
