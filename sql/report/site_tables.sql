-- site_tables: whether each table no honest page can do without has rows, so an empty lake gets a
-- clear error rather than an empty site.
-- Report query, site-wide: one row, a column per table.
SELECT
  EXISTS (SELECT 1 FROM sources) AS sources,
  EXISTS (SELECT 1 FROM basket) AS basket,
  EXISTS (SELECT 1 FROM trade_flows) AS trade_flows,
  EXISTS (SELECT 1 FROM supplier_shares) AS supplier_shares,
  EXISTS (SELECT 1 FROM concentration) AS concentration,
  EXISTS (SELECT 1 FROM dependency) AS dependency
