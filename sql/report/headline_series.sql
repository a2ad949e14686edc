-- headline_series: one published series of the production table — a measure for one geography
-- from one source, observed, with a value, in one period when :period is given — whose first and
-- last figures are an overview headline.
-- Report query, headlines: the rows of one series.
SELECT p.sector, p.period, p.year, p.value, p.unit, p.qualifier, p.source_id
FROM production p
WHERE p.measure = :measure AND p.geo_iso3 = :geo AND p.source_id = :source_id
  AND p.value IS NOT NULL AND NOT p.is_projection
  AND (CAST(:period AS VARCHAR) IS NULL OR p.period = :period)
ORDER BY COALESCE(p.year, 0), p.period, p.source, p.sector, p.commodity, p.measure, p.geo_iso3, p.source_id
