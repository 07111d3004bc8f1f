-- Daily measurements and mentions per entity (a show with its cast: show_links), on one
-- calendar. {{filters}} leaves out its entity condition: $ids are the entities shown.
WITH days AS (
    SELECT CAST(unnest(generate_series(CAST($first AS DATE), CAST($last AS DATE),
                                       INTERVAL 1 DAY)) AS DATE) AS day
),
chosen AS (SELECT entity_id, name FROM entities WHERE list_contains($ids, entity_id)),
scoped AS (SELECT p.post_id, p.created_at FROM posts p WHERE {{filters}}),
{{_scoped_links}},
chatter AS (
    -- UTC day number since 1970 in integer arithmetic: cheaper per post than a
    -- time-zone conversion, and independent of the session's zone.
    SELECT m.entity_id, epoch_us(s.created_at) // 86400000000 AS day_number,
           count(DISTINCT s.post_id) AS mentions
    FROM scoped s JOIN entity_links m USING (post_id)
    WHERE list_contains($ids, m.entity_id)
    GROUP BY ALL
)
SELECT d.day, c.entity_id, c.name AS entity_name, a.value AS pageviews,
       coalesce(ch.mentions, 0) AS mentions
FROM days d CROSS JOIN chosen c
LEFT JOIN attention a
       ON a.entity_id = c.entity_id AND a.day = d.day AND a.metric = $metric
LEFT JOIN chatter ch
       ON ch.entity_id = c.entity_id AND ch.day_number = d.day - DATE '1970-01-01'
ORDER BY c.entity_id, d.day
