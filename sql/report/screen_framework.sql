-- screen_framework: a framework's criteria as screen_frameworks states them (what each tests, the
-- threshold, what it means for the USA, the citation and where it was read) and, in the framework's
-- latest screened year, how many products meet it, miss it or cannot compute it.
-- Report query, page family "screen" (key framework_id): one row per criterion.
WITH latest AS (
  SELECT d.framework_id, MAX(d.year) AS latest_year
  FROM dependency_screen d
  GROUP BY d.framework_id
),
counts AS (
  SELECT c.framework_id, c.criterion_id,
    SUM(CASE WHEN c.status = 'met' THEN 1 ELSE 0 END) AS n_met,
    SUM(CASE WHEN c.status = 'not_met' THEN 1 ELSE 0 END) AS n_not_met,
    SUM(CASE WHEN c.status = 'not_computable' THEN 1 ELSE 0 END) AS n_not_computable
  FROM screen_criteria c
  JOIN latest l ON l.framework_id = c.framework_id AND l.latest_year = c.year
  GROUP BY c.framework_id, c.criterion_id
)
SELECT f.framework_id, f.framework_name, f.criterion_id, f.criterion_order, f.criterion, f.measure, f.role,
  f.comparison, f.threshold, f.us_note, f.source_id, f.where_read, l.latest_year,
  COALESCE(k.n_met, 0) AS n_met, COALESCE(k.n_not_met, 0) AS n_not_met,
  COALESCE(k.n_not_computable, 0) AS n_not_computable
FROM screen_frameworks f
LEFT JOIN latest l ON l.framework_id = f.framework_id
LEFT JOIN counts k ON k.framework_id = f.framework_id AND k.criterion_id = f.criterion_id
ORDER BY f.framework_id, f.criterion_order
