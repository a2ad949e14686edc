-- product_ally_exports: each ally's exports of a product to the world per year (annual rows of
-- members of :ally_group in the years they belong): its World row when it reports one, else the sum
-- over its partner countries — never both, which would count the trade twice (the exposure's ally cover).
-- Report query, page family "product" (key hs6): one row per year and allied reporter.
WITH flows AS (
  SELECT t.hs6, t.year, t.reporter_iso3, t.partner_iso3, t.partner_is_aggregate, t.value_usd
  FROM trade_flows t
  WHERE t.flow = :export_flow AND t.month = 0 AND t.value_usd IS NOT NULL
    AND EXISTS (
      SELECT 1 FROM partner_groups g
      WHERE g.group_id = :ally_group AND g.iso3 = t.reporter_iso3
        AND t.year >= g.valid_from AND (g.valid_to IS NULL OR t.year <= g.valid_to)
    )
),
cells AS (
  SELECT f.hs6, f.year, f.reporter_iso3,
    MAX(CASE WHEN f.partner_iso3 = :world THEN f.value_usd END) AS world_value,
    COUNT(CASE WHEN f.partner_iso3 = :world THEN 1 END) AS world_rows,
    SUM(CASE WHEN f.partner_is_aggregate THEN 0 ELSE f.value_usd END) AS partners_value
  FROM flows f
  GROUP BY f.hs6, f.year, f.reporter_iso3
)
SELECT c.hs6, c.year, c.reporter_iso3,
  CASE WHEN c.world_rows > 0 THEN c.world_value ELSE c.partners_value END AS value_usd
FROM cells c
ORDER BY c.hs6, c.year, c.reporter_iso3
