-- Posts per day N since each premiere, every day from $first_day to $end_day - 1 that has
-- begun by $now (0 posts where none).
WITH {{_events_hits}},
counts AS (
    SELECT event_id, day, count(*) AS posts, avg(sentiment) AS avg_sentiment
    FROM hits GROUP BY ALL
),
grid AS (
    SELECT DISTINCT ev.event_id, ev.event_name, ev.event_date, d.range AS day
    FROM ev CROSS JOIN range($first_day, $end_day) d
    WHERE ev.day0 + to_days(CAST(d.range AS INTEGER)) <= $now
)
SELECT g.event_id, g.event_name, g.event_date, CAST(g.day AS INTEGER) AS day,
       coalesce(c.posts, 0) AS posts,
       sum(coalesce(c.posts, 0)) OVER (
           PARTITION BY g.event_id ORDER BY g.day
       ) AS cumulative_posts,
       c.avg_sentiment
FROM grid g LEFT JOIN counts c ON c.event_id = g.event_id AND c.day = g.day
ORDER BY g.event_date, g.event_id, g.day
