-- Posts, authors and mean sentiment per entity per UTC hour (hours with posts only);
-- stories count copies of one story once.
CREATE OR REPLACE VIEW hourly_mentions AS
SELECT timezone('UTC', date_trunc('hour', timezone('UTC', p.created_at))) AS hour,
       m.entity_id, e.kind AS entity_kind, e.name AS entity_name,
       count(*) AS posts,
       count(DISTINCT p.author) AS authors,
       avg(p.sentiment) AS avg_sentiment,
       count(DISTINCT coalesce(p.story_id, p.post_id)) AS stories
FROM mentions m
JOIN posts p USING (post_id)
JOIN entities e USING (entity_id)
GROUP BY ALL;
