/**
 * `coverage`: what the lake holds, table × product × year → rows, source, provisional. A query that
 * finds nothing can be checked against it (the CLI's empty-result note points here); a basket
 * product with no trade rows at all is listed with 0 rows, so the gap shows.
 *
 * provisional is true for trade years from the source's latest complete year on (statistical
 * offices revise it; a year is complete with an annual row or 12 months) and for rows the source
 * marks as estimated (trade is_estimated, production qualifier 'e') or projected.
 */
export const COVERAGE_VIEW_DDL = `CREATE OR REPLACE VIEW coverage AS
WITH trade_years AS (
  SELECT source, year,
    MAX(CASE WHEN month = 0 THEN 1 ELSE 0 END) = 1 OR COUNT(DISTINCT CASE WHEN month > 0 THEN month END) = 12 AS complete
  FROM trade_flows GROUP BY source, year
),
latest_complete AS (SELECT source, MAX(year) AS year FROM trade_years WHERE complete GROUP BY source),
world_latest AS (SELECT source, dataset, MAX(year) AS year FROM world_trade GROUP BY source, dataset)
SELECT 'trade_flows' AS table_name, t.hs6 AS product, t.year, t.source, COUNT(*) AS "rows",
  MAX(CASE WHEN t.is_estimated THEN 1 ELSE 0 END) = 1 OR t.year >= COALESCE(l.year, t.year) AS provisional
FROM trade_flows t LEFT JOIN latest_complete l ON l.source = t.source
GROUP BY t.hs6, t.year, t.source, l.year
UNION ALL
SELECT 'world_trade', w.hs_code, w.year, w.source, COUNT(*), w.year >= MAX(l.year)
FROM world_trade w JOIN world_latest l ON l.source = w.source AND l.dataset = w.dataset
GROUP BY w.hs_code, w.year, w.source
UNION ALL
SELECT 'production', p.commodity, p.year, p.source, COUNT(*),
  MAX(CASE WHEN p.qualifier = 'e' OR p.is_projection THEN 1 ELSE 0 END) = 1
FROM production p
GROUP BY p.commodity, p.year, p.source
UNION ALL
SELECT 'trade_flows', b.hs6, CAST(NULL AS INTEGER), CAST(NULL AS VARCHAR), CAST(0 AS BIGINT), false
FROM basket b
WHERE NOT EXISTS (SELECT 1 FROM trade_flows t WHERE t.hs6 = b.hs6);`;
