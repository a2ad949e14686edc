-- dependency: share of a trade cell's value from China, allies and US covered nations, with and
-- without Hong Kong and Macao merged into China (the china_incl_hkg toggle reported both ways).
--
--   group share = Σ value of members / Σ value of supplier countries (the HHI denominator, §5)
--   groups come from the partner_groups table, honouring each membership's valid_from/valid_to:
--     ALLY_2021_SC  (JPN, KOR, TWN, AUS — the seed article's grouping; TWN includes partner 490)
--     US_COVERED    (CHN, RUS, IRN, PRK)
--     CHINA_HKG_MAC (CHN, HKG, MAC)
--   other_share = value from suppliers in neither ALLY_2021_SC nor US_COVERED
--                 (= 1 − ally_share − covered_share, the groups being disjoint).
-- Portable SQL: runs unchanged on Athena (Trino) and DuckDB.
WITH
-- Group memberships per partner and year, looked up once for the few (partner, year) pairs of
-- partner_groups instead of joined into every supplier row and grouped back.
supplier_years AS (
  SELECT DISTINCT s.year
  FROM supplier_shares s
),
memberships AS (
  SELECT g.iso3, y.year,
    MAX(CASE WHEN g.group_id = 'ALLY_2021_SC' THEN 1 ELSE 0 END) AS is_ally,
    MAX(CASE WHEN g.group_id = 'US_COVERED' THEN 1 ELSE 0 END) AS is_covered,
    MAX(CASE WHEN g.group_id = 'CHINA_HKG_MAC' THEN 1 ELSE 0 END) AS is_china_hkg
  FROM partner_groups g
  JOIN supplier_years y
    ON y.year >= g.valid_from AND (g.valid_to IS NULL OR y.year <= g.valid_to)
  GROUP BY g.iso3, y.year
),
cells AS (
  SELECT s.reporter_iso3, s.hs6, s.flow, s.year,
    SUM(s.value_usd) AS total_value,
    SUM(CASE WHEN s.partner_iso3 = 'CHN' THEN s.value_usd ELSE 0e0 END) AS china_value,
    SUM(CASE WHEN m.is_china_hkg = 1 THEN s.value_usd ELSE 0e0 END) AS china_hkg_value,
    SUM(CASE WHEN m.is_ally = 1 THEN s.value_usd ELSE 0e0 END) AS ally_value,
    SUM(CASE WHEN m.is_covered = 1 THEN s.value_usd ELSE 0e0 END) AS covered_value,
    SUM(CASE WHEN m.is_covered = 1 OR m.is_china_hkg = 1 THEN s.value_usd ELSE 0e0 END) AS covered_hkg_value,
    -- a supplier in no group has no memberships row (NULL flags)
    SUM(CASE WHEN COALESCE(m.is_ally, 0) = 0 AND COALESCE(m.is_covered, 0) = 0 THEN s.value_usd ELSE 0e0 END) AS other_value,
    -- the cell's flag, on each of its supplier rows
    MAX(CASE WHEN s.provisional THEN 1 ELSE 0 END) AS provisional
  FROM supplier_shares s
  LEFT JOIN memberships m ON m.iso3 = s.partner_iso3 AND m.year = s.year
  GROUP BY s.reporter_iso3, s.hs6, s.flow, s.year
)
SELECT
  CAST(c.reporter_iso3 AS VARCHAR) AS reporter_iso3,
  CAST(c.hs6 AS VARCHAR) AS hs6,
  CAST(c.flow AS VARCHAR) AS flow,
  CAST(c.year AS INTEGER) AS year,
  CAST(c.total_value AS DOUBLE) AS total_value_usd,
  CAST(c.china_value / c.total_value AS DOUBLE) AS china_share,
  CAST(c.china_hkg_value / c.total_value AS DOUBLE) AS china_hkg_share,
  CAST(c.ally_value / c.total_value AS DOUBLE) AS ally_share,
  CAST(c.covered_value / c.total_value AS DOUBLE) AS covered_share,
  CAST(c.covered_hkg_value / c.total_value AS DOUBLE) AS covered_hkg_share,
  CAST(c.other_value / c.total_value AS DOUBLE) AS other_share,
  CAST(c.provisional = 1 AS BOOLEAN) AS provisional
FROM cells c
ORDER BY c.reporter_iso3, c.hs6, c.flow, c.year
