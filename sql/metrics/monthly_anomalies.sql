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
-- Portable SQL: runs unchanged on Athena (Trino) and DuckDB.
WITH
months AS (
  SELECT t.source, t.reporter_iso3, t.hs6, t.flow, t.year, t.month, t.partner_iso3, t.partner_is_aggregate,
    t.value_usd, t.source_id
  FROM trade_flows t
  WHERE t.month > 0 AND t.value_usd IS NOT NULL
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
windows AS (
  -- Means and SDs over a window frame in month order: the same floats added in the same order on
  -- every run (a self-join's GROUP BY adds them in whatever order the threads meet them). With all 24
  -- months present, the 24 rows before a month are exactly those months. The months present are
  -- counted over the month index itself (a RANGE frame: a gap leaves fewer than 24), in one pass
  -- over each series instead of a self-join that makes 24 rows of every month.
  SELECT s.*,
    COUNT(*) OVER months_before AS trailing_months,
    AVG(s.value_usd) OVER before_month AS trailing_mean,
    STDDEV_SAMP(s.value_usd) OVER before_month AS trailing_sd,
    COUNT(s.share) OVER before_month AS share_months,
    AVG(s.share) OVER before_month AS share_mean,
    STDDEV_SAMP(s.share) OVER before_month AS share_sd
  FROM shares s
  WINDOW
    before_month AS (
      PARTITION BY s.source, s.reporter_iso3, s.hs6, s.flow, s.partner_iso3 ORDER BY s.month_index
      ROWS BETWEEN 24 PRECEDING AND 1 PRECEDING
    ),
    months_before AS (
      PARTITION BY s.source, s.reporter_iso3, s.hs6, s.flow, s.partner_iso3 ORDER BY s.month_index
      RANGE BETWEEN 24 PRECEDING AND 1 PRECEDING
    )
),
scored AS (
  SELECT w.*,
    CASE WHEN w.trailing_months = 24 THEN w.trailing_mean END AS full_mean,
    CASE WHEN w.trailing_months = 24 THEN w.trailing_sd END AS full_sd,
    CASE WHEN w.trailing_months = 24 AND w.trailing_sd > 0
      THEN (w.value_usd - w.trailing_mean) / w.trailing_sd END AS z_score,
    CASE WHEN w.trailing_months = 24 AND w.share IS NOT NULL AND w.share_months = 24 THEN w.share_mean END AS full_share_mean,
    CASE WHEN w.trailing_months = 24 AND w.share IS NOT NULL AND w.share_months = 24 AND w.share_sd > 0
      THEN (w.share - w.share_mean) / w.share_sd END AS share_z_score
  FROM windows w
)
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
ORDER BY s.source, s.reporter_iso3, s.hs6, s.flow, s.partner_iso3, s.year, s.month
