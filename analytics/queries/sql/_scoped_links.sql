scoped_mentions AS (
    SELECT m.post_id, m.entity_id FROM mentions m
    WHERE m.post_id IN (SELECT post_id FROM scoped)
),
-- Post x entity as the figures count it, with repeats (callers keep each pair once): the
-- mentions of the CTE scoped's posts, and for a show its cast, characters and ships too.
entity_links AS (
    SELECT post_id, entity_id FROM scoped_mentions
    UNION ALL
    SELECT post_id, entity_id FROM ({{show_links}})
)
