-- Headline figures of the selected posts: posts (every copy), stories (copies of one story
-- once), authors, sentiment and the top source.
WITH selected AS (SELECT * FROM posts p WHERE {{filters}}),
by_source AS (
    SELECT source, count(*) AS n FROM selected GROUP BY source ORDER BY n DESC, source LIMIT 1
)
SELECT count(*), count(DISTINCT coalesce(story_id, post_id)), count(DISTINCT author),
       avg(sentiment),
       avg(CASE WHEN sentiment_label = 'positive' THEN 1.0 ELSE 0.0 END),
       avg(CASE WHEN sentiment_label = 'negative' THEN 1.0 ELSE 0.0 END),
       (SELECT source FROM by_source), (SELECT n FROM by_source)
FROM selected
