-- Posts, authors and sentiment per source per UTC day; stories count copies of one story
-- within the source once.
CREATE OR REPLACE VIEW daily_source_volume AS
SELECT CAST(timezone('UTC', created_at) AS DATE) AS day,
       source_name, source,
       count(*) AS posts,
       count(DISTINCT author) AS authors,
       avg(sentiment) AS avg_sentiment,
       count(*) FILTER (WHERE sentiment_label = 'positive') AS positive,
       count(*) FILTER (WHERE sentiment_label = 'neutral') AS neutral,
       count(*) FILTER (WHERE sentiment_label = 'negative') AS negative,
       count(DISTINCT coalesce(story_id, post_id)) AS stories
FROM posts
GROUP BY ALL;
