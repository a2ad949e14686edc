-- commodity_shares: a commodity's shares of world production, capacity or reserves, every series
-- (a production page's charts; the sector pages' series and headlines; the release snapshot).
-- is_estimate (production_shares): the series-year is a source estimate, shown "(est.)".
-- Report query, page family "commodity" (key commodity): one row per series, country and year.
SELECT p.commodity, p.sector, p.stage, p.measure, p.source_id, p.geo_iso3, p.geo_name, p.year, p.value, p.unit, p.share,
  p.is_estimate
FROM production_shares p
ORDER BY p.commodity, p.sector, p.stage, p.measure, p.source_id, p.geo_iso3, p.year
