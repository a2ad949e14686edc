-- claim_trade_sources: the sources of the trade rows behind a dependency claim check (one reporter
-- and flow, the listed HS6 codes), which the check cites.
-- Report query, claims: one row per source_id.
SELECT DISTINCT t.source_id
FROM trade_flows t
WHERE t.reporter_iso3 = :reporter AND t.flow = :flow
  AND strpos(',' || :hs6_codes || ',', ',' || t.hs6 || ',') > 0
ORDER BY t.source_id
