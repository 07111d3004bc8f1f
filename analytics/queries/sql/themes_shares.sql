-- One row per theme entity (themes without posts included, with 0), busiest first.
WITH scoped AS (
    SELECT p.post_id, p.sentiment, p.sentiment_label FROM posts p WHERE {{filters}}
),
themes AS (SELECT entity_id, name FROM entities WHERE kind = 'theme'),
themed AS (
    SELECT m.entity_id, s.post_id, s.sentiment, s.sentiment_label
    FROM scoped s JOIN mentions m USING (post_id)
    WHERE m.entity_id IN (SELECT entity_id FROM themes)
),
totals AS (
    SELECT (SELECT count(*) FROM scoped) AS posts,
           (SELECT count(DISTINCT post_id) FROM themed) AS themed_posts
),
counts AS (
    SELECT entity_id, count(*) AS posts, avg(sentiment) AS avg_sentiment,
           count(*) FILTER (WHERE sentiment_label = 'positive') AS positive,
           count(*) FILTER (WHERE sentiment_label = 'negative') AS negative
    FROM themed GROUP BY entity_id
)
SELECT t.entity_id, t.name, coalesce(c.posts, 0) AS posts,
       coalesce(c.posts, 0) / nullif(totals.posts, 0) AS share,
       coalesce(c.posts, 0) / nullif(totals.themed_posts, 0) AS share_of_themed,
       c.avg_sentiment,
       c.positive / c.posts AS positive_share,
       c.negative / c.posts AS negative_share
FROM themes t CROSS JOIN totals LEFT JOIN counts c USING (entity_id)
ORDER BY posts DESC, t.entity_id
