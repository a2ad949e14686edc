-- commodity_shares: a commodity's shares of world production, capacity or reserves, every series
-- (a production page's charts; the sector pages' series and headlines; the release snapshot).
-- is_estimate: the source marks a figure of that series-year as estimated (USGS 'e'), so the share,
-- of an estimated total, is an estimate too and is shown with "(est.)".
-- Report query, page family "commodity" (key commodity): one row per series, country and year.
SELECT p.commodity, p.sector, p.stage, p.measure, p.source_id, p.geo_iso3, p.geo_name, p.year, p.value, p.unit, p.share,
  COALESCE(e.is_estimate, FALSE) AS is_estimate
FROM production_shares p
LEFT JOIN (
  SELECT q.commodity, q.measure, q.source_id, q.year, MAX(CASE WHEN q.qualifier = 'e' THEN 1 ELSE 0 END) = 1 AS is_estimate
  FROM production q
  WHERE NOT q.is_projection AND q.year IS NOT NULL
  GROUP BY q.commodity, q.measure, q.source_id, q.year
) e ON e.commodity = p.commodity AND e.measure = p.measure AND e.source_id = p.source_id AND e.year = p.year
ORDER BY p.commodity, p.sector, p.stage, p.measure, p.source_id, p.geo_iso3, p.year
