-- Posts, authors and sentiment per entity per UTC week starting on Monday; stories count
-- copies of one story once.
CREATE OR REPLACE VIEW weekly_mentions AS
SELECT CAST(date_trunc('week', timezone('UTC', p.created_at)) AS DATE) AS week,
       m.entity_id, e.kind AS entity_kind, e.name AS entity_name,
       count(*) AS posts,
       count(DISTINCT p.author) AS authors,
       avg(p.sentiment) AS avg_sentiment,
       count(*) FILTER (WHERE p.sentiment_label = 'positive') AS positive,
       count(*) FILTER (WHERE p.sentiment_label = 'neutral') AS neutral,
       count(*) FILTER (WHERE p.sentiment_label = 'negative') AS negative,
       count(DISTINCT coalesce(p.story_id, p.post_id)) AS stories
FROM mentions m
JOIN posts p USING (post_id)
JOIN entities e USING (entity_id)
GROUP BY ALL;
