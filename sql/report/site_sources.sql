-- site_sources: the citations (short names in captions, full text on the sources page).
-- Report query, site-wide: one row per ingest source and source_id (the reference table).
SELECT s.source, s.source_id, s.topic, s.citation, s.url, s.where_seen, s.is_secondary, s.licence
FROM sources s
ORDER BY s.source, s.source_id
