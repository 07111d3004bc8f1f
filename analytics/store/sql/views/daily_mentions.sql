-- Posts (every copy), stories (copies of one story once) and distinct authors per entity
-- per UTC day; an entity's own mentions (a show's cast is in daily_show_volume).
CREATE OR REPLACE VIEW daily_mentions AS
SELECT CAST(timezone('UTC', p.created_at) AS DATE) AS day,
       m.entity_id, e.kind AS entity_kind, e.name AS entity_name,
       count(*) AS posts,
       count(DISTINCT p.author) AS authors,
       count(DISTINCT coalesce(p.story_id, p.post_id)) AS stories
FROM mentions m
JOIN posts p USING (post_id)
JOIN entities e USING (entity_id)
GROUP BY ALL;
