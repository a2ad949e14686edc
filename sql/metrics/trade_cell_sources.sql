-- trade_cell_sources: which ingest source a trade cell (reporter × HS6 × flow × year, annual rows)
-- is computed from. When several sources cover a cell, the preferred one wins — comtrade, then
-- bundled, then census, then any other by name — so values of different releases or valuation
-- bases are never added up. supplier_shares and concentration read only the chosen source's rows.
-- provisional: the cell's year is the chosen source's latest year with annual rows (its latest
-- complete year, which statistical offices still revise), or a row of the cell is estimated — the
-- rule of the coverage table; every trade metric carries it with the cell.
-- Portable SQL: runs unchanged on Athena (Trino) and DuckDB.
-- partitions: trade_flows month=0
WITH
source_preference AS (
  SELECT source, preference
  FROM (VALUES ('comtrade', 1), ('bundled', 2), ('census', 3)) AS p (source, preference)
),
covered AS (
  SELECT t.source, t.reporter_iso3, t.hs6, t.flow, t.year,
    MAX(CASE WHEN t.is_estimated THEN 1 ELSE 0 END) AS has_estimate
  FROM trade_flows t
  WHERE t.month = 0 AND t.value_usd > 0 AND NOT t.partner_is_aggregate
  GROUP BY t.source, t.reporter_iso3, t.hs6, t.flow, t.year
),
latest_years AS (
  SELECT c.source, MAX(c.year) AS year FROM covered c GROUP BY c.source
),
ranked AS (
  SELECT c.reporter_iso3, c.hs6, c.flow, c.year, c.source,
    c.has_estimate = 1 OR c.year >= l.year AS provisional,
    ROW_NUMBER() OVER (
      PARTITION BY c.reporter_iso3, c.hs6, c.flow, c.year
      ORDER BY COALESCE(p.preference, 99), c.source
    ) AS pick
  FROM covered c
  JOIN latest_years l ON l.source = c.source
  LEFT JOIN source_preference p ON p.source = c.source
)
SELECT
  CAST(r.reporter_iso3 AS VARCHAR) AS reporter_iso3,
  CAST(r.hs6 AS VARCHAR) AS hs6,
  CAST(r.flow AS VARCHAR) AS flow,
  CAST(r.year AS INTEGER) AS year,
  CAST(r.source AS VARCHAR) AS source,
  CAST(r.provisional AS BOOLEAN) AS provisional
FROM ranked r
WHERE r.pick = 1
ORDER BY r.reporter_iso3, r.hs6, r.flow, r.year
