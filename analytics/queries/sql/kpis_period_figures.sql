-- Headline figures of the selected posts: posts (every copy), stories (copies of one story
-- once), and what the per-show figures add up to (a post about two shows counts for both;
-- a post about no watched show counts for none).
WITH selected AS (SELECT * FROM posts p WHERE {{filters}}),
by_source AS (
    SELECT source, count(*) AS n FROM selected GROUP BY source ORDER BY n DESC, source LIMIT 1
),
show_pairs AS (
    SELECT DISTINCT sl.entity_id, s.post_id, coalesce(s.story_id, s.post_id) AS story_id
    FROM selected s JOIN show_links sl USING (post_id)
),
per_show AS (
    SELECT entity_id, count(*) AS posts, count(DISTINCT story_id) AS stories
    FROM show_pairs GROUP BY ALL
),
placed AS (
    SELECT count(DISTINCT post_id) AS posts, count(DISTINCT story_id) AS stories
    FROM show_pairs
)
SELECT count(*), count(DISTINCT coalesce(story_id, post_id)), count(DISTINCT author), avg(sentiment),
       avg(CASE WHEN sentiment_label = 'positive' THEN 1.0 ELSE 0.0 END),
       avg(CASE WHEN sentiment_label = 'negative' THEN 1.0 ELSE 0.0 END),
       (SELECT source FROM by_source), (SELECT n FROM by_source),
       (SELECT coalesce(sum(posts), 0) FROM per_show),
       (SELECT coalesce(sum(stories), 0) FROM per_show),
       (SELECT posts FROM placed), (SELECT stories FROM placed)
FROM selected
