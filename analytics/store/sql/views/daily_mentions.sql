-- Posts and distinct authors per entity per UTC day.
CREATE OR REPLACE VIEW daily_mentions AS
SELECT CAST(timezone('UTC', p.created_at) AS DATE) AS day,
       m.entity_id, e.kind AS entity_kind, e.name AS entity_name,
       count(*) AS posts,
       count(DISTINCT p.author) AS authors
FROM mentions m
JOIN posts p USING (post_id)
JOIN entities e USING (entity_id)
GROUP BY ALL;
