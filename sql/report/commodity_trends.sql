-- commodity_trends: first and last share of each country in each series of a commodity (a
-- production page's table of change over the series).
-- Report query, page family "commodity" (key commodity): one row per series and country.
SELECT t.commodity, t.sector, t.stage, t.measure, t.source_id, t.geo_iso3, t.first_year, t.last_year,
  t.first_share, t.last_share, t.change_pp, t.n_years
FROM production_trend t
ORDER BY t.commodity, t.sector, t.stage, t.measure, t.source_id, t.geo_iso3
