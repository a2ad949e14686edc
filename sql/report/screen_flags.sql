-- screen_flags: per framework, the products flagged in at least one of the framework's last three
-- screened years — or left undecided there with every computable condition met and none missed —
-- with each of those years' verdict, persistence and churn (screen_persistence) and the product's name.
-- Report query, page family "screen" (key framework_id): one row per listed product and window year.
WITH latest AS (
  SELECT d.framework_id, MAX(d.year) AS latest_year
  FROM dependency_screen d
  GROUP BY d.framework_id
),
window_years AS (
  SELECT d.framework_id, d.hs6, d.year, l.latest_year, d.verdict, d.n_conditions, d.n_met, d.n_not_computable,
    d.classification, d.reason
  FROM dependency_screen d
  JOIN latest l ON l.framework_id = d.framework_id
  WHERE d.year BETWEEN l.latest_year - 2 AND l.latest_year
),
listed AS (
  SELECT w.framework_id, w.hs6
  FROM window_years w
  WHERE w.verdict = 'flagged' OR (w.verdict = 'not_computable' AND w.n_met > 0)
  GROUP BY w.framework_id, w.hs6
),
basket_entry AS (
  -- one name per code, as the product pages name it (a code in two sectors takes the last sector's)
  SELECT b.hs6, max_by(b.label, b.sector) AS label
  FROM basket b
  GROUP BY b.hs6
)
SELECT w.framework_id, w.hs6, b.label, w.year, w.latest_year, w.verdict, w.n_conditions, w.n_met,
  w.n_not_computable, w.classification, w.reason, p.flagged_years, p.decided_years, p.persistent, p.entered,
  p.exited, p.newly_persistent
FROM window_years w
JOIN listed s ON s.framework_id = w.framework_id AND s.hs6 = w.hs6
LEFT JOIN screen_persistence p ON p.framework_id = w.framework_id AND p.hs6 = w.hs6 AND p.year = w.year
LEFT JOIN basket_entry b ON b.hs6 = w.hs6
ORDER BY w.framework_id, w.hs6, w.year
