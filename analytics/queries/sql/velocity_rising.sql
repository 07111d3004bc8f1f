-- Posts ranked by engagement gained per hour while observed in [$since, $until]: the
-- engagement at $until (its latest observation) less the engagement at $since (the latest
-- observation before it) or, for a post first seen later, at first sight; divided by the
-- hours from $since (or first sight) to $until, at least one. Only posts that gained.
WITH chosen AS (
    SELECT p.post_id FROM posts p WHERE {{filters}}
),
observed AS (
    SELECT p.post_id, p.observed_at, {{engagement}} AS engagement
    FROM engagement_history p
    SEMI JOIN chosen c ON c.post_id = p.post_id
    WHERE p.observed_at <= $until
),
ends AS (
    SELECT post_id,
           arg_max(engagement, observed_at) AS engagement_now,
           max(observed_at) AS last_seen,
           arg_max(engagement, observed_at) FILTER (WHERE observed_at <= $since) AS at_start,
           min(observed_at) AS first_seen,
           arg_min(engagement, observed_at) AS at_first_sight
    FROM observed
    GROUP BY post_id
),
growth AS (
    SELECT post_id, engagement_now,
           engagement_now - coalesce(at_start, at_first_sight) AS gained,
           greatest(
               date_diff('second', CASE WHEN at_start IS NULL THEN first_seen ELSE $since END,
                         $until) / 3600.0,
               1.0) AS hours
    FROM ends
    WHERE last_seen > $since
)
SELECT p.post_id, p.created_at, p.source, p.source_name, p.author, p.title,
       left(p.text, $snippet_chars) AS snippet, p.url, g.engagement_now AS engagement,
       g.gained, g.gained / g.hours AS gained_per_hour
FROM growth g JOIN posts p ON p.post_id = g.post_id
WHERE g.gained > 0
ORDER BY gained_per_hour DESC, g.gained DESC, p.post_id
LIMIT $limit
