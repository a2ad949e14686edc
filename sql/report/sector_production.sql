-- sector_production: a sector's production table as the sources state it (the sector page's
-- published figures: the rows no chart draws).
-- Report query, page family "sector" (key sector): one row per published figure.
SELECT p.sector, p.commodity, p.measure, p.geo_iso3, p.geo_name, p.period, p.year, p.value, p.unit, p.qualifier,
  p.is_projection, p.source_id, p.note
FROM production p
ORDER BY p.sector, p.source, p.commodity, p.measure, p.geo_iso3, p.period, p.source_id
