-- commodity_shares: a commodity's shares of world production, capacity or reserves, every series
-- (a production page's charts; the sector pages' series and headlines; the release snapshot).
-- Report query, page family "commodity" (key commodity): one row per series, country and year.
SELECT p.commodity, p.sector, p.stage, p.measure, p.source_id, p.geo_iso3, p.geo_name, p.year, p.value, p.unit, p.share
FROM production_shares p
ORDER BY p.commodity, p.sector, p.stage, p.measure, p.source_id, p.geo_iso3, p.year
