-- country_production: a leading supplier country's share of world production, capacity or reserves
-- in the latest year of each series it is in (the country page's production table). Only shares of
-- the world (not of US imports or of demand), and only series listing more than one country: a
-- single-country figure has no production page and is shown where it is published (sector pages).
-- is_estimate (production_shares): the series-year is a source estimate, shown "(est.)".
-- Report query, page family "country" (key iso3): one row per commodity, measure and source.
WITH leaders AS (
  SELECT DISTINCT l.partner_iso3
  FROM supplier_shares l
  WHERE l.reporter_iso3 = :reporter AND l.flow = :import_flow AND l.rank = 1
),
world_series AS (
  SELECT commodity, measure, source_id
  FROM production_shares
  WHERE stage NOT IN ('trade', 'demand')
  GROUP BY commodity, measure, source_id
  HAVING COUNT(DISTINCT geo_iso3) > 1
),
series AS (
  SELECT p.geo_iso3, p.commodity, p.measure, p.source_id, MAX(p.year) AS year
  FROM production_shares p
  JOIN leaders l ON l.partner_iso3 = p.geo_iso3
  JOIN world_series w ON w.commodity = p.commodity AND w.measure = p.measure AND w.source_id = p.source_id
  GROUP BY p.geo_iso3, p.commodity, p.measure, p.source_id
)
SELECT p.geo_iso3 AS iso3, p.commodity, p.measure, p.source_id, p.year, p.share, p.is_estimate
FROM production_shares p
JOIN series s
  ON s.geo_iso3 = p.geo_iso3 AND s.commodity = p.commodity AND s.measure = p.measure
  AND s.source_id = p.source_id AND s.year = p.year
ORDER BY p.geo_iso3, p.commodity, p.measure, p.source_id
