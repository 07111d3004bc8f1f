-- Posts, stories and sentiment per bucket and entity, gaps filled with zero posts. A show's
-- series counts the posts about its cast, characters and ships too (show_links).
-- Series are the chosen entities ($entity_ids), else those of $kinds, else all; they are
-- restricted directly on mentions, so {{filters}} leaves out its own entity condition.
WITH {{_series}},
scoped AS (
    SELECT p.post_id, date_trunc({{bucket}}, timezone('UTC', p.created_at)) AS b,
           p.sentiment, p.sentiment_label, coalesce(p.story_id, p.post_id) AS story_id
    FROM posts p WHERE {{filters}}
),
{{_scoped_links}},
pairs AS (
    SELECT DISTINCT m.entity_id, m.post_id
    FROM entity_links m
    WHERE m.entity_id IN (SELECT entity_id FROM series)
),
counts AS (
    SELECT pr.entity_id, s.b, {{_timeseries_measures}}
    FROM pairs pr JOIN scoped s USING (post_id)
    GROUP BY ALL
),
keys AS (
    SELECT k.entity_id, k.name, coalesce(sum(c.posts), 0) AS total
    FROM series k LEFT JOIN counts c USING (entity_id)
    GROUP BY ALL
    -- Chosen entities keep a zero series; otherwise only entities with posts are shown.
    HAVING len($entity_ids) > 0 OR total > 0
    ORDER BY total DESC, k.entity_id
    LIMIT $top
),
grid AS ({{_timeseries_grid}})
SELECT timezone('UTC', g.b) AS bucket, k.entity_id, k.name, {{_timeseries_filled}}
FROM keys k CROSS JOIN grid g
LEFT JOIN counts c ON c.entity_id = k.entity_id AND c.b = g.b
ORDER BY k.entity_id, bucket
