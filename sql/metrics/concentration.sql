-- concentration: supplier concentration per trade cell (reporter × HS6 × flow × year), from
-- supplier_shares (so suppliers, source choice and ranks are the same as there).
--
--   hhi        = Σ x_i² / X²  over supplier countries (0–1); hhi_points = 10 000 · hhi
--   cr1, cr3   = share of the largest / three largest suppliers (ties: value desc, then ISO3)
--   n_eff      = 1 / hhi (numbers-equivalent); hhi_norm = (hhi − 1/N) / (1 − 1/N), NULL when N = 1
--   nes_share  = value against non-country partners other than World (areas nes, bunkers, free
--                zones, special categories, regional nes) / (countries + those); warn above 0.05.
--                World and country-group rows (EU) are excluded: they restate country values.
-- Shares are over countries only, so hhi is the "residual excluded, renormalized" figure; the
-- metrics-spec HHI bounds are hhi · (1 − nes_share)² (lower) and that + nes_share² (upper).
-- Portable SQL: runs unchanged on Athena (Trino) and DuckDB.
-- partitions: trade_flows month=0
WITH
annual AS (
  SELECT t.source, t.reporter_iso3, t.hs6, t.flow, t.year,
    t.partner_iso3, t.partner_name, t.partner_is_aggregate, t.value_usd
  FROM trade_flows t
  WHERE t.month = 0 AND t.value_usd > 0
),
nes AS (
  SELECT a.reporter_iso3, a.hs6, a.flow, a.year, SUM(a.value_usd) AS nes_value
  FROM annual a
  JOIN trade_cell_sources c
    ON c.reporter_iso3 = a.reporter_iso3 AND c.hs6 = a.hs6 AND c.flow = a.flow
    AND c.year = a.year AND c.source = a.source
  WHERE a.partner_is_aggregate AND a.partner_iso3 NOT IN ('WLD', 'X097', 'EU')
  GROUP BY a.reporter_iso3, a.hs6, a.flow, a.year
),
cells AS (
  SELECT s.reporter_iso3, s.hs6, s.flow, s.year,
    COUNT(*) AS n_suppliers,
    SUM(s.value_usd) AS total_value,
    SUM(s.value_usd * s.value_usd) AS sum_squares,
    SUM(CASE WHEN s.rank = 1 THEN s.value_usd END) AS top1_value,
    SUM(CASE WHEN s.rank <= 3 THEN s.value_usd END) AS top3_value,
    MAX(CASE WHEN s.rank = 1 THEN s.partner_iso3 END) AS top_supplier,
    -- the cell's flag, on each of its supplier rows
    MAX(CASE WHEN s.provisional THEN 1 ELSE 0 END) AS provisional
  FROM supplier_shares s
  GROUP BY s.reporter_iso3, s.hs6, s.flow, s.year
),
measures AS (
  SELECT c.*,
    c.sum_squares / (c.total_value * c.total_value) AS hhi,
    COALESCE(n.nes_value, 0e0) AS nes_value
  FROM cells c
  LEFT JOIN nes n
    ON n.reporter_iso3 = c.reporter_iso3 AND n.hs6 = c.hs6 AND n.flow = c.flow AND n.year = c.year
)
SELECT
  CAST(m.reporter_iso3 AS VARCHAR) AS reporter_iso3,
  CAST(m.hs6 AS VARCHAR) AS hs6,
  CAST(m.flow AS VARCHAR) AS flow,
  CAST(m.year AS INTEGER) AS year,
  CAST(m.n_suppliers AS INTEGER) AS n_suppliers,
  CAST(m.total_value AS DOUBLE) AS total_value_usd,
  CAST(m.hhi AS DOUBLE) AS hhi,
  CAST(1e4 * m.hhi AS DOUBLE) AS hhi_points,
  CAST(m.top1_value / m.total_value AS DOUBLE) AS cr1,
  CAST(m.top3_value / m.total_value AS DOUBLE) AS cr3,
  CAST(1e0 / m.hhi AS DOUBLE) AS n_eff,
  CAST(CASE WHEN m.n_suppliers > 1
    THEN (m.hhi - 1e0 / m.n_suppliers) / (1e0 - 1e0 / m.n_suppliers) END AS DOUBLE) AS hhi_norm,
  CAST(m.top_supplier AS VARCHAR) AS top_supplier_iso3,
  CAST(m.nes_value / (m.total_value + m.nes_value) AS DOUBLE) AS nes_share,
  CAST(m.provisional = 1 AS BOOLEAN) AS provisional
FROM measures m
ORDER BY m.reporter_iso3, m.hs6, m.flow, m.year
