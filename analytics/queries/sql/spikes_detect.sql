-- Buckets where an entity has far more posts than the median of its previous $window
-- buckets (see analytics/queries/spikes.py). {{filters}} is widened back to the history
-- ($start) and leaves out its entity condition: series are $entity_ids, else those of
-- $kinds, else every entity. {{rhythm}} compares an hour with the same hour of earlier
-- days when chosen (then $window counts days).
WITH {{_series}},
scoped AS (
    -- {{counted}}: what one post is (see spikes.COUNTED); the count is of distinct ones.
    SELECT p.post_id, {{counted}} AS counted,
           date_trunc({{bucket}}, timezone('UTC', p.created_at)) AS b
    FROM posts p WHERE {{filters}}
),
counts AS (
    SELECT m.entity_id, s.b, count(DISTINCT s.counted) AS posts
    FROM scoped s JOIN mentions m USING (post_id)
    WHERE m.entity_id IN (SELECT entity_id FROM series)
    GROUP BY ALL
),
first_bucket AS (
    SELECT date_trunc({{bucket}}, timezone('UTC', min(created_at))) AS b FROM posts
),
-- From the first post in the database at the earliest: buckets before collection
-- began are unknown, not quiet.
grid AS (
    SELECT unnest(range(
        greatest(
            coalesce(date_trunc({{bucket}}, timezone('UTC', $start::TIMESTAMPTZ)), f.b), f.b
        ),
        coalesce(timezone('UTC', $end::TIMESTAMPTZ), (SELECT max(b) FROM counts) + {{step}}),
        {{step}}
    )) AS b
    FROM first_bucket f
),
filled AS (
    SELECT k.entity_id, g.b, coalesce(c.posts, 0) AS posts
    FROM (SELECT DISTINCT entity_id FROM counts) k CROSS JOIN grid g
    LEFT JOIN counts c ON c.entity_id = k.entity_id AND c.b = g.b
),
scored AS (
    SELECT entity_id, b, posts,
           median(posts) OVER w AS baseline,
           mad(posts) OVER w AS mad,
           count(*) OVER w AS history
    FROM filled
    WINDOW w AS (
        PARTITION BY entity_id{{rhythm}} ORDER BY b
        ROWS BETWEEN $window PRECEDING AND 1 PRECEDING
    )
),
judged AS (
    SELECT entity_id, b, posts, baseline, (posts - baseline) / ($mad_scale * mad + $mad_floor) AS z
    FROM scored
    WHERE history = $window AND posts >= $min_posts
      AND b >= coalesce(timezone('UTC', $period_start::TIMESTAMPTZ), b)
)
SELECT j.entity_id, k.name, timezone('UTC', j.b) AS bucket, j.posts, j.baseline, j.z
FROM judged j JOIN series k USING (entity_id)
WHERE j.z >= $threshold
ORDER BY j.z DESC, bucket DESC, j.entity_id
LIMIT $limit
