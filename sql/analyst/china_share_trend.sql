-- title: China share trend for a basket sector
-- description: Year by year, the share of a reporter's imports of a basket sector (all its HS6
--   products together) that comes from China, alone and with Hong Kong and Macao merged in, and the
--   change from the previous year in percentage points (NULL when the previous year is missing).
--   Shares are value-weighted over the products with trade that year; n_products says how many.
-- @param sector string = rare_earths Basket sector: rare_earths, semiconductors, ev_batteries, medical_supplies
-- @param reporter string = USA Importing country, ISO3
WITH
cells AS (
  SELECT d.year, d.total_value_usd, d.china_share, d.china_hkg_share
  FROM dependency d
  JOIN basket b ON b.hs6 = d.hs6
  WHERE d.flow = 'M'
    AND d.reporter_iso3 = :reporter
    AND b.sector = :sector
),
yearly AS (
  SELECT
    year,
    COUNT(*) AS n_products,
    SUM(total_value_usd) AS total_value_usd,
    SUM(total_value_usd * china_share) AS china_value_usd,
    SUM(total_value_usd * china_hkg_share) AS china_hkg_value_usd
  FROM cells
  GROUP BY year
),
shares AS (
  SELECT y.*,
    y.china_value_usd / NULLIF(y.total_value_usd, 0e0) AS china_share,
    y.china_hkg_value_usd / NULLIF(y.total_value_usd, 0e0) AS china_hkg_share
  FROM yearly y
)
SELECT
  year,
  CAST(n_products AS INTEGER) AS n_products,
  total_value_usd,
  china_value_usd,
  china_share,
  china_hkg_share,
  -- a missing year is NULL, never bridged: only compare with the calendar year before
  CASE WHEN LAG(year) OVER (ORDER BY year) = year - 1
    THEN 100 * (china_share - LAG(china_share) OVER (ORDER BY year)) END AS china_share_change_pp
FROM shares
ORDER BY year
