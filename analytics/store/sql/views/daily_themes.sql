-- Each theme's share of the day's posts, with its sentiment, per UTC day; stories count
-- copies of one story once.
CREATE OR REPLACE VIEW daily_themes AS
WITH day_posts AS (
    SELECT CAST(timezone('UTC', created_at) AS DATE) AS day, count(*) AS day_posts
    FROM posts GROUP BY 1
),
theme_posts AS (
    SELECT CAST(timezone('UTC', p.created_at) AS DATE) AS day,
           m.entity_id, e.name AS theme_name,
           count(*) AS posts,
           avg(p.sentiment) AS avg_sentiment,
           count(*) FILTER (WHERE p.sentiment_label = 'positive') AS positive,
           count(DISTINCT coalesce(p.story_id, p.post_id)) AS stories
    FROM mentions m
    JOIN posts p USING (post_id)
    JOIN entities e USING (entity_id)
    WHERE e.kind = 'theme'
    GROUP BY ALL
)
SELECT t.day, t.entity_id, t.theme_name, t.posts, d.day_posts,
       t.posts / d.day_posts AS share,
       t.avg_sentiment,
       t.positive / t.posts AS positive_share,
       t.stories
FROM theme_posts t JOIN day_posts d USING (day);
