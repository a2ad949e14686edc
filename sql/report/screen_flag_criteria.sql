-- screen_flag_criteria: the criteria behind each listed product of screen_flags, in the latest year of
-- the window it was listed (flagged, or undecided with every computable condition met): each
-- criterion's value, threshold, status and the basis it was computed on (screen_criteria).
-- Report query, page family "screen" (key framework_id): one row per listed product and criterion.
WITH latest AS (
  SELECT d.framework_id, MAX(d.year) AS latest_year
  FROM dependency_screen d
  GROUP BY d.framework_id
),
listed AS (
  SELECT d.framework_id, d.hs6, MAX(d.year) AS year
  FROM dependency_screen d
  JOIN latest l ON l.framework_id = d.framework_id
  WHERE d.year BETWEEN l.latest_year - 2 AND l.latest_year
    AND (d.verdict = 'flagged' OR (d.verdict = 'not_computable' AND d.n_met > 0))
  GROUP BY d.framework_id, d.hs6
)
SELECT c.framework_id, c.hs6, c.year, c.criterion_id, c.criterion_order, c.role, c.measure, c.value,
  c.comparison, c.threshold, c.status, c.basis, c.source_ids
FROM screen_criteria c
JOIN listed s ON s.framework_id = c.framework_id AND s.hs6 = c.hs6 AND s.year = c.year
ORDER BY c.framework_id, c.hs6, c.criterion_order
