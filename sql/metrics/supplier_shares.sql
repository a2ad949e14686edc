-- supplier_shares: each supplier's value, share and rank in a trade cell
-- (reporter × HS6 × flow × year, annual rows only).
--
-- Conventions (chainwatch metrics spec §1, §4.1, §4.6):
--   * suppliers are partner countries only: rows flagged partner_is_aggregate (World, "nes"
--     areas, bunkers, free zones, groups) never count; suppressed (NULL) and zero values drop out;
--   * Taiwan arrives from ingest as TWN (Comtrade partner 490 "Other Asia, nes" is mapped there);
--   * one source per cell: only the rows of the source trade_cell_sources chose for the cell;
--   * share = value / total over supplier countries; rank 1 = largest, ties by value desc then ISO3;
--   * provisional: the cell's flag from trade_cell_sources (the source's latest year, or estimated).
-- Portable SQL: runs unchanged on Athena (Trino) and DuckDB.
-- partitions: trade_flows month=0
WITH
annual AS (
  SELECT t.source, t.reporter_iso3, t.hs6, t.flow, t.year,
    t.partner_iso3, t.partner_name, t.partner_is_aggregate, t.value_usd
  FROM trade_flows t
  WHERE t.month = 0 AND t.value_usd > 0
),
-- The cells numbered in output order (one row per cell there), so grouping, ranking and sorting
-- work on one integer instead of four strings.
cells AS (
  SELECT c.reporter_iso3, c.hs6, c.flow, c.year, c.source, c.provisional,
    ROW_NUMBER() OVER (ORDER BY c.reporter_iso3, c.hs6, c.flow, c.year) AS cell_id
  FROM trade_cell_sources c
),
country_names AS (
  SELECT iso3, MIN(name) AS name
  FROM countries
  GROUP BY iso3
),
suppliers AS (
  SELECT c.cell_id, a.partner_iso3,
    -- the source's name is needed only where the countries table has none (a string MIN is costly)
    MIN(CASE WHEN n.name IS NULL THEN a.partner_name END) AS source_partner_name,
    SUM(a.value_usd) AS value_usd
  FROM annual a
  JOIN cells c
    ON c.reporter_iso3 = a.reporter_iso3 AND c.hs6 = a.hs6 AND c.flow = a.flow
    AND c.year = a.year AND c.source = a.source
  LEFT JOIN country_names n ON n.iso3 = a.partner_iso3
  WHERE NOT a.partner_is_aggregate
  GROUP BY c.cell_id, a.partner_iso3
),
ranked AS (
  SELECT s.*,
    SUM(s.value_usd) OVER (PARTITION BY s.cell_id) AS cell_total,
    ROW_NUMBER() OVER (PARTITION BY s.cell_id ORDER BY s.value_usd DESC, s.partner_iso3) AS supplier_rank
  FROM suppliers s
)
SELECT
  CAST(c.reporter_iso3 AS VARCHAR) AS reporter_iso3,
  CAST(c.hs6 AS VARCHAR) AS hs6,
  CAST(c.flow AS VARCHAR) AS flow,
  CAST(c.year AS INTEGER) AS year,
  CAST(r.partner_iso3 AS VARCHAR) AS partner_iso3,
  -- the reference name, so partner 490 reads "Taiwan" rather than "Other Asia, nes"
  CAST(COALESCE(n.name, r.source_partner_name) AS VARCHAR) AS partner_name,
  CAST(r.value_usd AS DOUBLE) AS value_usd,
  CAST(r.value_usd / r.cell_total AS DOUBLE) AS share,
  CAST(r.supplier_rank AS INTEGER) AS rank,
  CAST(c.provisional AS BOOLEAN) AS provisional
FROM ranked r
JOIN cells c ON c.cell_id = r.cell_id
LEFT JOIN country_names n ON n.iso3 = r.partner_iso3
ORDER BY r.cell_id, r.supplier_rank
