-- site_as_of: how recent the data are, for every page's footer — the last trade period
-- (year × 100 + month; month 0 is an annual row), the last observed production year, and the latest
-- year of annual US import data: the year the trade sources may still revise, marked provisional.
-- Report query, site-wide: one row.
SELECT
  (SELECT MAX(t.year * 100 + t.month) FROM trade_flows t) AS trade_through,
  (SELECT MAX(p.year) FROM production p WHERE NOT p.is_projection AND p.year IS NOT NULL) AS production_through,
  (SELECT MAX(t.year) FROM trade_flows t
    WHERE t.month = 0 AND t.reporter_iso3 = :reporter AND t.flow = :import_flow) AS trade_provisional_year
