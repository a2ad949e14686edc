-- title: Dependency screen by framework for a year
-- description: One framework's verdict on every US-imported product in one year (dependency_screen),
--   with each criterion's value, threshold and status beside it (screen_criteria) and whether the
--   flag held in at least 2 of the last 3 years (screen_persistence). Frameworks: EC_2021, GEODEP,
--   CRMA_65, MGI_2023, OECD_HALF (screen_frameworks lists their criteria and where each was read).
--   A criterion that cannot be computed has no value and says why in its basis; a framework with
--   such a criterion and no failed one is 'not_computable', never flagged on a guess.
-- @param framework string = GEODEP Framework id (screen_frameworks.framework_id)
-- @param year int = 2024 Reference year
SELECT
  d.hs6,
  b.label AS product,
  d.verdict,
  d.classification,
  p.persistent,
  p.entered,
  p.exited,
  c.criterion_id,
  c.value,
  c.comparison,
  c.threshold,
  c.status,
  c.basis,
  c.source_ids
FROM dependency_screen d
JOIN screen_criteria c
  ON c.hs6 = d.hs6 AND c.year = d.year AND c.framework_id = d.framework_id
LEFT JOIN screen_persistence p
  ON p.hs6 = d.hs6 AND p.year = d.year AND p.framework_id = d.framework_id
LEFT JOIN basket b ON b.hs6 = d.hs6
WHERE d.framework_id = :framework AND d.year = :year
ORDER BY CASE d.verdict WHEN 'flagged' THEN 1 WHEN 'not_computable' THEN 2 ELSE 3 END, d.hs6, c.criterion_order
