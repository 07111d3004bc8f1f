-- Posts, stories and sentiment per bucket and configured source, gaps filled with zero posts.
WITH counts AS (
    SELECT s.source_name, s.b, {{_timeseries_measures}}
    FROM (
        SELECT p.source_name, date_trunc({{bucket}}, timezone('UTC', p.created_at)) AS b,
               p.sentiment, p.sentiment_label, coalesce(p.story_id, p.post_id) AS story_id
        FROM posts p WHERE {{filters}}
    ) s
    GROUP BY ALL
),
keys AS (
    SELECT source_name, sum(posts) AS total FROM counts
    GROUP BY ALL ORDER BY total DESC, source_name LIMIT $top
),
grid AS ({{_timeseries_grid}})
SELECT timezone('UTC', g.b) AS bucket, k.source_name, {{_timeseries_filled}}
FROM keys k CROSS JOIN grid g
LEFT JOIN counts c ON c.source_name = k.source_name AND c.b = g.b
ORDER BY k.source_name, bucket
