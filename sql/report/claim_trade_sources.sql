-- claim_trade_sources: the sources of the trade rows behind a dependency claim check (one reporter
-- and flow, the listed HS6 codes), which the check cites, with whether each citation is a secondary
-- copy.
-- Report query, claims: one row per source_id.
SELECT t.source_id, COALESCE(bool_or(s.is_secondary), false) AS is_secondary
FROM (
  SELECT DISTINCT source_id FROM trade_flows
  WHERE reporter_iso3 = :reporter AND flow = :flow
    AND strpos(',' || :hs6_codes || ',', ',' || hs6 || ',') > 0
) t
LEFT JOIN sources s ON s.source_id = t.source_id
GROUP BY t.source_id
ORDER BY t.source_id
