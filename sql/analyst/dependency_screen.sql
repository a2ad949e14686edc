-- title: EU-style dependency screen, GeoDep-style for one country (HHI > 0.4, imports/exports > 1)
-- description: The EU SWD(2021) 352 screen applied to one reporting country, as CEPII GeoDep does.
--   c1: HHI of imports by supplier country > 0.4. c3: imports / exports > 1, the ratio being 9999
--   when the reporter reported exports that year but none of this product. The EU's second
--   criterion (extra-EU / total imports > 0.5, a demand proxy) is OMITTED: for a single country it
--   needs apparent consumption, which the trade tables do not hold — hence "GeoDep-style".
--   c3 is NULL (unknown) when the reporter has no export rows in that year at all. The bundled
--   data hold US imports only, so there every row has c3 unknown and c1-products are labelled
--   'c1 met, exports unknown'; with export rows ingested the label becomes 'dependent' or
--   'not dependent'. Strict '>' everywhere; HHI rounded to 12 decimals before the test.
-- @param year int = 2024 Reference year
-- @param reporter string = USA Reporting country, ISO3
WITH
imports AS (
  SELECT reporter_iso3, hs6, year, hhi, total_value_usd
  FROM concentration
  WHERE flow = 'M' AND reporter_iso3 = :reporter AND year = :year
),
exports AS (
  SELECT reporter_iso3, hs6, year, total_value_usd
  FROM concentration
  WHERE flow = 'X'
),
-- exports are known to be zero only where the reporter reported exports of something that year
export_coverage AS (
  SELECT DISTINCT reporter_iso3, year FROM exports
),
ratios AS (
  SELECT
    i.hs6,
    i.hhi,
    i.total_value_usd AS imports_usd,
    CASE WHEN cov.year IS NOT NULL THEN COALESCE(x.total_value_usd, 0e0) END AS exports_usd
  FROM imports i
  LEFT JOIN exports x ON x.reporter_iso3 = i.reporter_iso3 AND x.hs6 = i.hs6 AND x.year = i.year
  LEFT JOIN export_coverage cov ON cov.reporter_iso3 = i.reporter_iso3 AND cov.year = i.year
),
criteria AS (
  SELECT r.*,
    CASE WHEN r.exports_usd = 0 THEN 9999e0 ELSE r.imports_usd / r.exports_usd END AS import_export_ratio,
    ROUND(r.hhi, 12) > 0.4 AS c1_hhi
  FROM ratios r
)
SELECT
  c.hs6,
  b.sector,
  b.label AS product,
  c.hhi,
  c.imports_usd,
  c.exports_usd,
  c.import_export_ratio,
  c.c1_hhi,
  c.import_export_ratio > 1 AS c3_ratio,
  CASE
    WHEN NOT c.c1_hhi THEN 'not dependent'
    WHEN c.import_export_ratio IS NULL THEN 'c1 met, exports unknown'
    WHEN c.import_export_ratio > 1 THEN 'dependent'
    ELSE 'not dependent'
  END AS screen
FROM criteria c
LEFT JOIN basket b ON b.hs6 = c.hs6
ORDER BY c.c1_hhi DESC, c.hhi DESC, c.hs6
