-- claim_rank_field: every country a measure lists for one period (observed, with a value), which a
-- rank check ranks the claimed country among.
-- Report query, claims: the rows of one period.
SELECT p.geo_iso3, p.geo_name, p.value, p.unit, p.qualifier
FROM production p
WHERE p.measure = :measure AND p.period = :period
  AND NOT p.geo_is_aggregate AND p.value IS NOT NULL AND NOT p.is_projection
ORDER BY p.source, p.sector, p.commodity, p.measure, p.geo_iso3, p.period, p.source_id
