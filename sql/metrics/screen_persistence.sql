-- screen_persistence: per product, framework and year, whether the flag holds over time (CEPII GeoDep
-- criterion 4: all criteria hold in at least 2 years of a 3-year window) and whether it entered or
-- exited since the previous year (the churn Vicard & Wibaux 2023 measured: about 1 in 5 a year).
--
--   flagged_years  years flagged among year−2 … year (calendar self-join; a missing year is undecided)
--   decided_years  years among them with a verdict of flagged or not_flagged
--   persistent     TRUE when flagged_years ≥ 2; FALSE when even the undecided years could not make
--                  it 2 (flagged_years + 3 − decided_years < 2); NULL otherwise
--   entered / exited  flagged this year and not flagged the year before / the reverse; NULL unless both
--                  years are decided
--   newly_persistent persistent this year, not the year before (an alert); NULL when either is NULL
-- Portable SQL: runs unchanged on Athena (Trino) and DuckDB.
WITH
windowed AS (
  SELECT c.hs6, c.framework_id, c.year, c.verdict,
    SUM(CASE WHEN w.verdict = 'flagged' THEN 1 ELSE 0 END) AS flagged_years,
    SUM(CASE WHEN w.verdict IN ('flagged', 'not_flagged') THEN 1 ELSE 0 END) AS decided_years
  FROM dependency_screen c
  JOIN dependency_screen w
    ON w.hs6 = c.hs6 AND w.framework_id = c.framework_id AND w.year BETWEEN c.year - 2 AND c.year
  GROUP BY c.hs6, c.framework_id, c.year, c.verdict
),
persistence AS (
  SELECT w.*,
    CASE
      WHEN w.flagged_years >= 2 THEN TRUE
      WHEN w.flagged_years + 3 - w.decided_years < 2 THEN FALSE
    END AS persistent
  FROM windowed w
)
SELECT
  CAST(c.hs6 AS VARCHAR) AS hs6,
  CAST(c.year AS INTEGER) AS year,
  CAST(c.framework_id AS VARCHAR) AS framework_id,
  CAST(c.verdict AS VARCHAR) AS verdict,
  CAST(c.flagged_years AS INTEGER) AS flagged_years,
  CAST(c.decided_years AS INTEGER) AS decided_years,
  CAST(c.persistent AS BOOLEAN) AS persistent,
  CAST(CASE
    WHEN c.verdict IN ('flagged', 'not_flagged') AND p.verdict IN ('flagged', 'not_flagged')
      THEN c.verdict = 'flagged' AND p.verdict = 'not_flagged'
  END AS BOOLEAN) AS entered,
  CAST(CASE
    WHEN c.verdict IN ('flagged', 'not_flagged') AND p.verdict IN ('flagged', 'not_flagged')
      THEN c.verdict = 'not_flagged' AND p.verdict = 'flagged'
  END AS BOOLEAN) AS exited,
  CAST(CASE
    WHEN c.persistent IS NOT NULL AND p.persistent IS NOT NULL THEN c.persistent AND NOT p.persistent
  END AS BOOLEAN) AS newly_persistent
FROM persistence c
LEFT JOIN persistence p ON p.hs6 = c.hs6 AND p.framework_id = c.framework_id AND p.year = c.year - 1
ORDER BY c.hs6, c.framework_id, c.year
