-- commodity_concentration: a commodity's concentration by stage (CR3, HHI, largest country) per
-- series and year (a production page's table; the sector and production charts of CR3 by stage),
-- and whether the series-year is a source estimate (shown "(est.)").
-- Report query, page family "commodity" (key commodity): one row per series and year.
SELECT c.commodity, c.sector, c.stage, c.measure, c.source_id, c.year, c.n_countries, c.cr1, c.cr3, c.hhi, c.top_geo_iso3,
  c.is_estimate
FROM production_concentration c
ORDER BY c.commodity, c.sector, c.stage, c.measure, c.source_id, c.year
