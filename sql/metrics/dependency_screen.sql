-- dependency_screen: one verdict per US-imported product, year and framework, from screen_criteria.
--
--   flagged         every condition of the framework is met
--   not_flagged     at least one computable condition is not met (it fails whatever the others are)
--   not_computable  no condition fails, but at least one cannot be computed
--   classification  frameworks with a classifier criterion (MGI 2023: world-export HHI above 0.3):
--                   for a flagged product, 'global' when it is met, 'economy_specific' when not,
--                   'not_computable' without a world figure; NULL otherwise
--   reason          the criteria that decide the verdict with their status (values: screen_criteria);
--                   criteria are listed in their order, up to the fourth (no framework has more)
-- Portable SQL: runs unchanged on Athena (Trino) and DuckDB.
WITH
counts AS (
  SELECT c.hs6, c.year, c.framework_id,
    SUM(CASE WHEN c.role = 'condition' THEN 1 ELSE 0 END) AS n_conditions,
    SUM(CASE WHEN c.role = 'condition' AND c.status = 'met' THEN 1 ELSE 0 END) AS n_met,
    SUM(CASE WHEN c.role = 'condition' AND c.status = 'not_met' THEN 1 ELSE 0 END) AS n_not_met,
    SUM(CASE WHEN c.role = 'condition' AND c.status = 'not_computable' THEN 1 ELSE 0 END) AS n_not_computable,
    MAX(CASE WHEN c.role = 'classifier' THEN c.status END) AS classifier_status,
    MAX(CASE WHEN c.role = 'classifier' THEN 1 ELSE 0 END) AS has_classifier
  FROM screen_criteria c
  GROUP BY c.hs6, c.year, c.framework_id
),
verdicts AS (
  SELECT k.*,
    CASE
      WHEN k.n_not_met > 0 THEN 'not_flagged'
      WHEN k.n_not_computable > 0 THEN 'not_computable'
      ELSE 'flagged'
    END AS verdict
  FROM counts k
),
deciding AS (
  -- per criterion: its line in the reason when it decides the verdict
  SELECT v.hs6, v.year, v.framework_id, c.criterion_order,
    CASE
      WHEN v.verdict = 'flagged' AND c.role = 'condition' THEN c.criterion_id || ' met. '
      WHEN v.verdict = 'not_flagged' AND c.status = 'not_met' AND c.role = 'condition' THEN c.criterion_id || ' not met. '
      WHEN v.verdict = 'not_computable' AND c.status = 'not_computable' AND c.role = 'condition' THEN c.criterion_id || ' not computable. '
    END AS line
  FROM verdicts v
  JOIN screen_criteria c ON c.hs6 = v.hs6 AND c.year = v.year AND c.framework_id = v.framework_id
),
reasons AS (
  SELECT d.hs6, d.year, d.framework_id,
    TRIM(
      COALESCE(MAX(CASE WHEN d.criterion_order = 1 THEN d.line END), '')
      || COALESCE(MAX(CASE WHEN d.criterion_order = 2 THEN d.line END), '')
      || COALESCE(MAX(CASE WHEN d.criterion_order = 3 THEN d.line END), '')
      || COALESCE(MAX(CASE WHEN d.criterion_order = 4 THEN d.line END), '')
    ) AS reason
  FROM deciding d
  GROUP BY d.hs6, d.year, d.framework_id
)
SELECT
  CAST(v.hs6 AS VARCHAR) AS hs6,
  CAST(v.year AS INTEGER) AS year,
  CAST(v.framework_id AS VARCHAR) AS framework_id,
  CAST(v.verdict AS VARCHAR) AS verdict,
  CAST(v.n_conditions AS INTEGER) AS n_conditions,
  CAST(v.n_met AS INTEGER) AS n_met,
  CAST(v.n_not_met AS INTEGER) AS n_not_met,
  CAST(v.n_not_computable AS INTEGER) AS n_not_computable,
  CAST(CASE
    WHEN v.has_classifier = 0 OR v.verdict <> 'flagged' THEN NULL
    WHEN v.classifier_status = 'met' THEN 'global'
    WHEN v.classifier_status = 'not_met' THEN 'economy_specific'
    ELSE 'not_computable'
  END AS VARCHAR) AS classification,
  CAST(r.reason AS VARCHAR) AS reason
FROM verdicts v
JOIN reasons r ON r.hs6 = v.hs6 AND r.year = v.year AND r.framework_id = v.framework_id
ORDER BY v.hs6, v.year, v.framework_id
