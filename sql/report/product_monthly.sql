-- product_monthly: the monthly series of US imports of a product from :monthly_partner
-- (monthly_anomalies), from the source with the most months: each month's value, the trailing
-- 24-month mean and SD the anomaly test uses, its z-score and whether it is flagged.
-- Report query, page family "product" (key hs6): one row per month of the series.
WITH series AS (
  SELECT a.hs6, a.source,
    ROW_NUMBER() OVER (PARTITION BY a.hs6 ORDER BY COUNT(*) DESC, a.source) AS pick
  FROM monthly_anomalies a
  WHERE a.reporter_iso3 = :reporter AND a.flow = :import_flow AND a.partner_iso3 = :monthly_partner
  GROUP BY a.hs6, a.source
)
SELECT a.hs6, a.year, a.month, a.value_usd, a.trailing_months, a.trailing_mean, a.trailing_sd, a.z_score,
  a.is_anomaly, a.share, a.share_shift_pp, a.is_share_anomaly, a.source, a.source_id
FROM monthly_anomalies a
JOIN series s ON s.hs6 = a.hs6 AND s.source = a.source AND s.pick = 1
WHERE a.reporter_iso3 = :reporter AND a.flow = :import_flow AND a.partner_iso3 = :monthly_partner
  AND a.hs6 IN (SELECT c.hs6 FROM concentration c WHERE c.reporter_iso3 = :reporter AND c.flow = :import_flow)
ORDER BY a.hs6, a.year, a.month
