-- Sentiment per entity per UTC day: mean scores and label counts of posts (every copy);
-- stories count copies of one story once.
CREATE OR REPLACE VIEW daily_sentiment AS
SELECT CAST(timezone('UTC', p.created_at) AS DATE) AS day,
       m.entity_id, e.name AS entity_name,
       count(*) AS posts,
       avg(p.sentiment) AS avg_sentiment,
       avg(p.vader_compound) AS avg_vader,
       count(*) FILTER (WHERE p.sentiment_label = 'positive') AS positive,
       count(*) FILTER (WHERE p.sentiment_label = 'neutral') AS neutral,
       count(*) FILTER (WHERE p.sentiment_label = 'negative') AS negative,
       count(DISTINCT coalesce(p.story_id, p.post_id)) AS stories
FROM mentions m
JOIN posts p USING (post_id)
JOIN entities e USING (entity_id)
GROUP BY ALL;
