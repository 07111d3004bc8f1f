(
    -- Post x entity as the figures count it, with repeats (callers keep each pair once): an
    -- entity's own mentions, and for a show the posts about its cast, characters and ships.
    SELECT post_id, entity_id FROM mentions
    UNION ALL
    SELECT post_id, entity_id FROM show_links
)
