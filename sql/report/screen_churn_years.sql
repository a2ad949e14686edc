-- screen_churn_years: how a framework's list of flagged products moves from year to year
-- (screen_churn): products flagged, persistent, entering and leaving, and the churn rate.
-- Report query, page family "screen" (key framework_id): one row per screened year.
SELECT c.framework_id, c.year, c.n_flagged, c.n_persistent, c.n_entered, c.n_exited, c.n_flagged_before,
  c.churn_rate
FROM screen_churn c
ORDER BY c.framework_id, c.year
