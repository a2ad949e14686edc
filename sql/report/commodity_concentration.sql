-- commodity_concentration: a commodity's concentration by stage (CR3, HHI, largest country) per
-- series and year (a production page's table; the sector and production charts of CR3 by stage).
-- is_estimate: some share of the series-year is a source estimate (production_shares.is_estimate),
-- so the CR3 computed from it is one too, shown "(est.)".
-- Report query, page family "commodity" (key commodity): one row per series and year.
WITH estimated AS (
  SELECT p.sector, p.commodity, p.stage, p.measure, p.source_id, p.year,
    MAX(CASE WHEN p.is_estimate THEN 1 ELSE 0 END) = 1 AS is_estimate
  FROM production_shares p
  GROUP BY p.sector, p.commodity, p.stage, p.measure, p.source_id, p.year
)
SELECT c.commodity, c.sector, c.stage, c.measure, c.source_id, c.year, c.n_countries, c.cr1, c.cr3, c.hhi, c.top_geo_iso3,
  COALESCE(e.is_estimate, FALSE) AS is_estimate
FROM production_concentration c
LEFT JOIN estimated e
  ON e.sector = c.sector AND e.commodity = c.commodity AND e.stage = c.stage AND e.measure = c.measure
  AND e.source_id = c.source_id AND e.year = c.year
ORDER BY c.commodity, c.sector, c.stage, c.measure, c.source_id, c.year
