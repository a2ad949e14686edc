-- site_country_names: the name a page gives a country — as the supplier tables spell it, else the
-- countries reference table's name.
-- Report query, site-wide: one row per country of the reference table or of the supplier tables.
WITH suppliers AS (
  SELECT s.partner_iso3 AS iso3, MAX(s.partner_name) AS name
  FROM supplier_shares s
  WHERE s.reporter_iso3 = :reporter AND s.flow = :import_flow
  GROUP BY s.partner_iso3
),
reference AS (
  SELECT c.iso3, MAX(c.name) AS name
  FROM countries c
  GROUP BY c.iso3
)
SELECT COALESCE(s.iso3, r.iso3) AS iso3, COALESCE(s.name, r.name) AS name
FROM suppliers s
FULL OUTER JOIN reference r ON r.iso3 = s.iso3
ORDER BY 1
