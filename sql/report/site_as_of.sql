-- site_as_of: how recent the data are, for every page's footer — the last trade period
-- (year × 100 + month; month 0 is an annual row) and the last observed production year.
-- Report query, site-wide: one row.
SELECT
  (SELECT MAX(t.year * 100 + t.month) FROM trade_flows t) AS trade_through,
  (SELECT MAX(p.year) FROM production p WHERE NOT p.is_projection AND p.year IS NOT NULL) AS production_through
