-- screen_churn: per framework and year, how the list of flagged products moves (Vicard & Wibaux,
-- CEPII PB 2023-41: one in five EU-dependent products of 2018 was not dependent in 2019).
--
--   n_flagged         products flagged this year; n_persistent: flagged in ≥ 2 of the last 3 years
--   n_entered/n_exited  from screen_persistence (both years decided)
--   n_flagged_before  products flagged the year before whose verdict this year is decided
--   churn_rate        n_exited / n_flagged_before; NULL when that is 0
-- Portable SQL: runs unchanged on Athena (Trino) and DuckDB.
WITH
years AS (
  SELECT p.framework_id, p.year,
    SUM(CASE WHEN p.verdict = 'flagged' THEN 1 ELSE 0 END) AS n_flagged,
    SUM(CASE WHEN p.persistent THEN 1 ELSE 0 END) AS n_persistent,
    SUM(CASE WHEN p.entered THEN 1 ELSE 0 END) AS n_entered,
    SUM(CASE WHEN p.exited THEN 1 ELSE 0 END) AS n_exited
  FROM screen_persistence p
  GROUP BY p.framework_id, p.year
),
before AS (
  SELECT c.framework_id, c.year, COUNT(*) AS n_flagged_before
  FROM dependency_screen c
  JOIN dependency_screen p
    ON p.hs6 = c.hs6 AND p.framework_id = c.framework_id AND p.year = c.year - 1
  WHERE p.verdict = 'flagged' AND c.verdict IN ('flagged', 'not_flagged')
  GROUP BY c.framework_id, c.year
)
SELECT
  CAST(y.framework_id AS VARCHAR) AS framework_id,
  CAST(y.year AS INTEGER) AS year,
  CAST(y.n_flagged AS INTEGER) AS n_flagged,
  CAST(y.n_persistent AS INTEGER) AS n_persistent,
  CAST(y.n_entered AS INTEGER) AS n_entered,
  CAST(y.n_exited AS INTEGER) AS n_exited,
  CAST(COALESCE(b.n_flagged_before, 0) AS INTEGER) AS n_flagged_before,
  CAST(CASE WHEN b.n_flagged_before > 0 THEN CAST(y.n_exited AS DOUBLE) / b.n_flagged_before END AS DOUBLE) AS churn_rate
FROM years y
LEFT JOIN before b ON b.framework_id = y.framework_id AND b.year = y.year
ORDER BY y.framework_id, y.year
