-- site_partner_groups: the partner groups (allies, covered nations, China with Hong Kong and Macao)
-- that name the share lines and the country pages' memberships.
-- Report query, site-wide: one row per membership (the reference table).
SELECT g.group_id, g.iso3, g.valid_from, g.valid_to, g.source_id
FROM partner_groups g
ORDER BY g.group_id, g.iso3, g.valid_from
