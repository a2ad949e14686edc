-- site_sectors: every sector a page is made for — the basket's, the production table's, and the
-- sector of each product with US import rows (:unclassified_sector when the basket does not list it).
-- Report query, site-wide: one row per sector.
SELECT DISTINCT s.sector
FROM (
  SELECT b.sector FROM basket b
  UNION ALL
  SELECT p.sector FROM production p
  UNION ALL
  SELECT COALESCE(b.sector, :unclassified_sector) AS sector
  FROM (
    SELECT DISTINCT t.hs6
    FROM trade_flows t
    WHERE t.reporter_iso3 = :reporter AND t.flow = :import_flow
  ) i
  LEFT JOIN basket b ON b.hs6 = i.hs6
) s
ORDER BY s.sector
