-- site_country_names: the name a page gives a country — as the supplier tables spell it, else the
-- countries reference table's name; with the reference table's note on an unusual code mapping (e.g.
-- Taiwan published by Comtrade as partner 490, "Other Asia, nes") and the citation for it.
-- Report query, site-wide: one row per country of the reference table or of the supplier tables.
WITH suppliers AS (
  SELECT s.partner_iso3 AS iso3, MAX(s.partner_name) AS name
  FROM supplier_shares s
  WHERE s.reporter_iso3 = :reporter AND s.flow = :import_flow
  GROUP BY s.partner_iso3
),
reference AS (
  SELECT c.iso3, MAX(c.name) AS name, MAX(c.note) AS note, MAX(c.source_id) AS note_source_id
  FROM countries c
  GROUP BY c.iso3
)
SELECT COALESCE(s.iso3, r.iso3) AS iso3, COALESCE(s.name, r.name) AS name, r.note, r.note_source_id
FROM suppliers s
FULL OUTER JOIN reference r ON r.iso3 = s.iso3
ORDER BY 1
