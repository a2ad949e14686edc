-- source_landings: which ingest source landed the rows of each citation — trade rows first, then
-- production rows, then the citation itself — for the sources page's "retrieved" line.
-- Report query, site-wide: one row per source_id, ingest source and table.
SELECT l.source_id, l.source, l.seen_in
FROM (
  SELECT DISTINCT t.source_id, t.source, 1 AS seen_in FROM trade_flows t
  UNION ALL
  SELECT DISTINCT p.source_id, p.source, 2 AS seen_in FROM production p
  UNION ALL
  SELECT DISTINCT s.source_id, s.source, 3 AS seen_in FROM sources s
) l
ORDER BY l.seen_in, l.source, l.source_id
