-- Each mention with its entity and the whole post (p.* is expanded when the view is
-- created: the view is re-created after a migration adds a posts column).
CREATE OR REPLACE VIEW post_mentions AS
SELECT m.entity_id, e.kind AS entity_kind, e.name AS entity_name, e.show_id,
       m.matched, p.*
FROM mentions m
JOIN posts p USING (post_id)
JOIN entities e USING (entity_id);
