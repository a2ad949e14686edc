-- product_top_partners: a product's :top_n largest suppliers by value over the whole series (ties by
-- ISO3), which the partner chart draws as their own bars and the site colours.
-- Report query, page family "product" (key hs6): at most :top_n rows per product.
WITH totals AS (
  SELECT s.hs6, s.partner_iso3, SUM(s.value_usd) AS value_usd
  FROM supplier_shares s
  WHERE s.reporter_iso3 = :reporter AND s.flow = :import_flow
  GROUP BY s.hs6, s.partner_iso3
),
ranked AS (
  SELECT t.hs6, t.partner_iso3,
    ROW_NUMBER() OVER (PARTITION BY t.hs6 ORDER BY t.value_usd DESC, t.partner_iso3) AS series_rank
  FROM totals t
)
SELECT r.hs6, r.partner_iso3, r.series_rank
FROM ranked r
WHERE r.series_rank <= :top_n
ORDER BY r.hs6, r.series_rank
