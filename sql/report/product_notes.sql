-- product_notes: the ingest notes on a product's rows for Comtrade partner 490 ("Other Asia, nes",
-- counted as Taiwan), which the product page repeats.
-- Report query, page family "product" (key hs6): one row per distinct note.
SELECT DISTINCT t.hs6, t.note
FROM trade_flows t
WHERE t.reporter_iso3 = :reporter AND t.flow = :import_flow AND t.partner_code = :taiwan_code
  AND t.note IS NOT NULL AND t.note <> ''
ORDER BY t.hs6, t.note
