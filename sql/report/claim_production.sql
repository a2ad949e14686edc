-- claim_production: the production rows a claim's evidence names — one measure, the listed
-- geographies (:geos, comma-separated), observed percentages with a value, in the years
-- :year_from–:year_to when :in_years (either end may be open; undated rows then drop out) — with
-- whether the citation is a secondary copy, which the claim check ranks below a primary source.
-- Report query, claims: the rows of one evidence entry.
SELECT p.period, p.year, p.geo_iso3, p.geo_name, p.value, p.unit, p.qualifier, p.source_id,
  COALESCE(s.is_secondary, false) AS is_secondary
FROM production p
LEFT JOIN (
  SELECT source_id, bool_or(is_secondary) AS is_secondary FROM sources GROUP BY source_id
) s ON s.source_id = p.source_id
WHERE p.measure = :measure
  AND strpos(',' || :geos || ',', ',' || p.geo_iso3 || ',') > 0
  AND p.value IS NOT NULL AND NOT p.is_projection AND p.unit LIKE 'percent%'
  AND (NOT CAST(:in_years AS BOOLEAN) OR (
    p.year IS NOT NULL
    AND (CAST(:year_from AS INTEGER) IS NULL OR p.year >= :year_from)
    AND (CAST(:year_to AS INTEGER) IS NULL OR p.year <= :year_to)
  ))
ORDER BY COALESCE(p.year, 0), p.period, p.source_id, p.source, p.sector, p.commodity, p.measure, p.geo_iso3
