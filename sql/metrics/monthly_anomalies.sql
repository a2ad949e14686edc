-- monthly_anomalies: early warning on monthly trade (trade_flows rows with month 1–12), per series
-- (source × reporter × HS6 × flow × partner country; sources are never mixed).
--
--   trailing window = the 24 months before this one (month index year·12 + month; rows of a series are
--                     one per month, so the 24 rows before are those months when none is missing)
--   trailing_months = months with a value among the 24 before
--   trailing_mean, trailing_sd (sample SD) only when all 24 months are present
--   z_score         = (value − trailing_mean) / trailing_sd; NULL without a full window or when SD = 0
--   is_anomaly      = |z_score| > 2
--   share           = value / Σ supplier countries of the month, only when the source reports the
--                     month's World total and the listed countries make up ≥ 95 % of it (otherwise
--                     the partner list may be partial: a series of US imports from China alone has
--                     no share); share_trailing_mean and the share's SD over the 24 previous shares
--   share_shift_pp  = (share − share_trailing_mean) × 100; share_z_score = shift / SD of the share;
--                     is_share_anomaly = |share_z_score| > 2 (an abrupt supplier-share shift)
-- Annual rows (month 0) are never read as months.
--
-- recompute-from: trade_flows month
--   :from_month is the first month computed, as a month index (year·12 + month − 1); 0 computes them all.
--   The table's own rows of the months before :keep_before are read back as they are (0: none). A month's
--   row depends only on its month and the 24 before it, and adds them up in an order written here (not a
--   window aggregate's, which depends on where the rows sit among all others), so computing from a month
--   gives the bits a run over every month gives. The metrics step passes the earliest month whose
--   trade_flows files changed since it last wrote the table with this SQL, and either keeps the months
--   before it (:keep_before = :from_month) or, when only later months came, keeps the table's files as they
--   are beside the new rows (:keep_before = 0). Run by hand, pass 0 for both.
-- Portable SQL: runs unchanged on Athena (Trino) and DuckDB.
WITH
kept AS (
  SELECT k.*
  FROM monthly_anomalies k
  WHERE k.year * 12 + k.month - 1 < CAST(:keep_before AS INTEGER)
),
months AS (
  SELECT t.source, t.reporter_iso3, t.hs6, t.flow, t.year, t.month, t.partner_iso3, t.partner_is_aggregate,
    t.value_usd, t.source_id
  FROM trade_flows t
  WHERE t.month > 0 AND t.value_usd IS NOT NULL
    AND t.year * 12 + t.month - 1 >= CAST(:from_month AS INTEGER) - 24
),
totals AS (
  SELECT m.source, m.reporter_iso3, m.hs6, m.flow, m.year, m.month,
    SUM(CASE WHEN NOT m.partner_is_aggregate THEN m.value_usd END) AS countries_total,
    MAX(CASE WHEN m.partner_iso3 = 'WLD' THEN m.value_usd END) AS world_value
  FROM months m
  GROUP BY m.source, m.reporter_iso3, m.hs6, m.flow, m.year, m.month
),
series AS (
  SELECT m.source, m.reporter_iso3, m.hs6, m.flow, m.partner_iso3, m.year, m.month,
    m.year * 12 + m.month - 1 AS month_index,
    SUM(m.value_usd) AS value_usd,
    MIN(m.source_id) AS source_id
  FROM months m
  WHERE NOT m.partner_is_aggregate
  GROUP BY m.source, m.reporter_iso3, m.hs6, m.flow, m.partner_iso3, m.year, m.month
),
shares AS (
  SELECT s.*,
    CASE WHEN t.world_value IS NOT NULL AND t.countries_total > 0 AND t.countries_total >= 0.95 * t.world_value
      THEN s.value_usd / t.countries_total END AS share
  FROM series s
  JOIN totals t
    ON t.source = s.source AND t.reporter_iso3 = s.reporter_iso3 AND t.hs6 = s.hs6 AND t.flow = s.flow
    AND t.year = s.year AND t.month = s.month
),
lagged AS (
  -- Each of the 24 rows before a month as a column of its own (v1, p1: the row before). With all 24
  -- months present they are exactly those months. The months present are counted over the month index
  -- itself (a RANGE frame: a gap leaves fewer than 24); counts are exact in any order.
  SELECT s.*,
    COUNT(*) OVER months_before AS trailing_months,
    COUNT(s.share) OVER rows_before AS share_months,
    LAG(s.value_usd, 1) OVER series AS v1,
    LAG(s.value_usd, 2) OVER series AS v2,
    LAG(s.value_usd, 3) OVER series AS v3,
    LAG(s.value_usd, 4) OVER series AS v4,
    LAG(s.value_usd, 5) OVER series AS v5,
    LAG(s.value_usd, 6) OVER series AS v6,
    LAG(s.value_usd, 7) OVER series AS v7,
    LAG(s.value_usd, 8) OVER series AS v8,
    LAG(s.value_usd, 9) OVER series AS v9,
    LAG(s.value_usd, 10) OVER series AS v10,
    LAG(s.value_usd, 11) OVER series AS v11,
    LAG(s.value_usd, 12) OVER series AS v12,
    LAG(s.value_usd, 13) OVER series AS v13,
    LAG(s.value_usd, 14) OVER series AS v14,
    LAG(s.value_usd, 15) OVER series AS v15,
    LAG(s.value_usd, 16) OVER series AS v16,
    LAG(s.value_usd, 17) OVER series AS v17,
    LAG(s.value_usd, 18) OVER series AS v18,
    LAG(s.value_usd, 19) OVER series AS v19,
    LAG(s.value_usd, 20) OVER series AS v20,
    LAG(s.value_usd, 21) OVER series AS v21,
    LAG(s.value_usd, 22) OVER series AS v22,
    LAG(s.value_usd, 23) OVER series AS v23,
    LAG(s.value_usd, 24) OVER series AS v24,
    LAG(s.share, 1) OVER series AS p1,
    LAG(s.share, 2) OVER series AS p2,
    LAG(s.share, 3) OVER series AS p3,
    LAG(s.share, 4) OVER series AS p4,
    LAG(s.share, 5) OVER series AS p5,
    LAG(s.share, 6) OVER series AS p6,
    LAG(s.share, 7) OVER series AS p7,
    LAG(s.share, 8) OVER series AS p8,
    LAG(s.share, 9) OVER series AS p9,
    LAG(s.share, 10) OVER series AS p10,
    LAG(s.share, 11) OVER series AS p11,
    LAG(s.share, 12) OVER series AS p12,
    LAG(s.share, 13) OVER series AS p13,
    LAG(s.share, 14) OVER series AS p14,
    LAG(s.share, 15) OVER series AS p15,
    LAG(s.share, 16) OVER series AS p16,
    LAG(s.share, 17) OVER series AS p17,
    LAG(s.share, 18) OVER series AS p18,
    LAG(s.share, 19) OVER series AS p19,
    LAG(s.share, 20) OVER series AS p20,
    LAG(s.share, 21) OVER series AS p21,
    LAG(s.share, 22) OVER series AS p22,
    LAG(s.share, 23) OVER series AS p23,
    LAG(s.share, 24) OVER series AS p24
  FROM shares s
  WINDOW
    series AS (PARTITION BY s.source, s.reporter_iso3, s.hs6, s.flow, s.partner_iso3 ORDER BY s.month_index),
    rows_before AS (
      PARTITION BY s.source, s.reporter_iso3, s.hs6, s.flow, s.partner_iso3 ORDER BY s.month_index
      ROWS BETWEEN 24 PRECEDING AND 1 PRECEDING
    ),
    months_before AS (
      PARTITION BY s.source, s.reporter_iso3, s.hs6, s.flow, s.partner_iso3 ORDER BY s.month_index
      RANGE BETWEEN 24 PRECEDING AND 1 PRECEDING
    )
),
means AS (
  -- NULL unless all 24 values are there (a NULL term makes the sum NULL).
  SELECT l.*,
    (l.v1 + l.v2 + l.v3 + l.v4 + l.v5 + l.v6 + l.v7 + l.v8 + l.v9 + l.v10 + l.v11 + l.v12 +
      l.v13 + l.v14 + l.v15 + l.v16 + l.v17 + l.v18 + l.v19 + l.v20 + l.v21 + l.v22 + l.v23 + l.v24) / 24 AS mean_24,
    (l.p1 + l.p2 + l.p3 + l.p4 + l.p5 + l.p6 + l.p7 + l.p8 + l.p9 + l.p10 + l.p11 + l.p12 +
      l.p13 + l.p14 + l.p15 + l.p16 + l.p17 + l.p18 + l.p19 + l.p20 + l.p21 + l.p22 + l.p23 + l.p24) / 24 AS share_mean_24
  FROM lagged l
),
windows AS (
  -- Sample SD in two passes: the squared deviations from the mean, over n − 1.
  SELECT m.*,
    SQRT((
      (m.v1 - m.mean_24) * (m.v1 - m.mean_24) + (m.v2 - m.mean_24) * (m.v2 - m.mean_24) + (m.v3 - m.mean_24) * (m.v3 - m.mean_24) +
      (m.v4 - m.mean_24) * (m.v4 - m.mean_24) + (m.v5 - m.mean_24) * (m.v5 - m.mean_24) + (m.v6 - m.mean_24) * (m.v6 - m.mean_24) +
      (m.v7 - m.mean_24) * (m.v7 - m.mean_24) + (m.v8 - m.mean_24) * (m.v8 - m.mean_24) + (m.v9 - m.mean_24) * (m.v9 - m.mean_24) +
      (m.v10 - m.mean_24) * (m.v10 - m.mean_24) + (m.v11 - m.mean_24) * (m.v11 - m.mean_24) + (m.v12 - m.mean_24) * (m.v12 - m.mean_24) +
      (m.v13 - m.mean_24) * (m.v13 - m.mean_24) + (m.v14 - m.mean_24) * (m.v14 - m.mean_24) + (m.v15 - m.mean_24) * (m.v15 - m.mean_24) +
      (m.v16 - m.mean_24) * (m.v16 - m.mean_24) + (m.v17 - m.mean_24) * (m.v17 - m.mean_24) + (m.v18 - m.mean_24) * (m.v18 - m.mean_24) +
      (m.v19 - m.mean_24) * (m.v19 - m.mean_24) + (m.v20 - m.mean_24) * (m.v20 - m.mean_24) + (m.v21 - m.mean_24) * (m.v21 - m.mean_24) +
      (m.v22 - m.mean_24) * (m.v22 - m.mean_24) + (m.v23 - m.mean_24) * (m.v23 - m.mean_24) + (m.v24 - m.mean_24) * (m.v24 - m.mean_24)
    ) / 23) AS sd_24,
    SQRT((
      (m.p1 - m.share_mean_24) * (m.p1 - m.share_mean_24) + (m.p2 - m.share_mean_24) * (m.p2 - m.share_mean_24) +
      (m.p3 - m.share_mean_24) * (m.p3 - m.share_mean_24) + (m.p4 - m.share_mean_24) * (m.p4 - m.share_mean_24) +
      (m.p5 - m.share_mean_24) * (m.p5 - m.share_mean_24) + (m.p6 - m.share_mean_24) * (m.p6 - m.share_mean_24) +
      (m.p7 - m.share_mean_24) * (m.p7 - m.share_mean_24) + (m.p8 - m.share_mean_24) * (m.p8 - m.share_mean_24) +
      (m.p9 - m.share_mean_24) * (m.p9 - m.share_mean_24) + (m.p10 - m.share_mean_24) * (m.p10 - m.share_mean_24) +
      (m.p11 - m.share_mean_24) * (m.p11 - m.share_mean_24) + (m.p12 - m.share_mean_24) * (m.p12 - m.share_mean_24) +
      (m.p13 - m.share_mean_24) * (m.p13 - m.share_mean_24) + (m.p14 - m.share_mean_24) * (m.p14 - m.share_mean_24) +
      (m.p15 - m.share_mean_24) * (m.p15 - m.share_mean_24) + (m.p16 - m.share_mean_24) * (m.p16 - m.share_mean_24) +
      (m.p17 - m.share_mean_24) * (m.p17 - m.share_mean_24) + (m.p18 - m.share_mean_24) * (m.p18 - m.share_mean_24) +
      (m.p19 - m.share_mean_24) * (m.p19 - m.share_mean_24) + (m.p20 - m.share_mean_24) * (m.p20 - m.share_mean_24) +
      (m.p21 - m.share_mean_24) * (m.p21 - m.share_mean_24) + (m.p22 - m.share_mean_24) * (m.p22 - m.share_mean_24) +
      (m.p23 - m.share_mean_24) * (m.p23 - m.share_mean_24) + (m.p24 - m.share_mean_24) * (m.p24 - m.share_mean_24)
    ) / 23) AS share_sd_24
  FROM means m
),
scored AS (
  SELECT w.*,
    CASE WHEN w.trailing_months = 24 THEN w.mean_24 END AS full_mean,
    CASE WHEN w.trailing_months = 24 THEN w.sd_24 END AS full_sd,
    CASE WHEN w.trailing_months = 24 AND w.sd_24 > 0
      THEN (w.value_usd - w.mean_24) / w.sd_24 END AS z_score,
    CASE WHEN w.trailing_months = 24 AND w.share IS NOT NULL AND w.share_months = 24 THEN w.share_mean_24 END AS full_share_mean,
    CASE WHEN w.trailing_months = 24 AND w.share IS NOT NULL AND w.share_months = 24 AND w.share_sd_24 > 0
      THEN (w.share - w.share_mean_24) / w.share_sd_24 END AS share_z_score
  FROM windows w
),
fresh AS (
  SELECT
    CAST(s.source AS VARCHAR) AS source,
    CAST(s.reporter_iso3 AS VARCHAR) AS reporter_iso3,
    CAST(s.hs6 AS VARCHAR) AS hs6,
    CAST(s.flow AS VARCHAR) AS flow,
    CAST(s.partner_iso3 AS VARCHAR) AS partner_iso3,
    CAST(s.year AS INTEGER) AS year,
    CAST(s.month AS INTEGER) AS month,
    CAST(s.value_usd AS DOUBLE) AS value_usd,
    CAST(s.trailing_months AS INTEGER) AS trailing_months,
    CAST(s.full_mean AS DOUBLE) AS trailing_mean,
    CAST(s.full_sd AS DOUBLE) AS trailing_sd,
    CAST(s.z_score AS DOUBLE) AS z_score,
    CAST(COALESCE(ABS(s.z_score) > 2, FALSE) AS BOOLEAN) AS is_anomaly,
    CAST(s.share AS DOUBLE) AS share,
    CAST(s.full_share_mean AS DOUBLE) AS share_trailing_mean,
    CAST((s.share - s.full_share_mean) * 100 AS DOUBLE) AS share_shift_pp,
    CAST(s.share_z_score AS DOUBLE) AS share_z_score,
    CAST(COALESCE(ABS(s.share_z_score) > 2, FALSE) AS BOOLEAN) AS is_share_anomaly,
    CAST(s.source_id AS VARCHAR) AS source_id
  FROM scored s
  WHERE s.month_index >= CAST(:from_month AS INTEGER)
)
SELECT k.* FROM kept k
UNION ALL
SELECT f.* FROM fresh f
ORDER BY source, reporter_iso3, hs6, flow, partner_iso3, year, month
