-- Each observed change of a post's counts (engagement_history: first sight, then every poll
-- or refresh that found them changed), with its engagement score (the expression from
-- analytics.core.engagement), what it gained since the observation before, over how many
-- hours, and so per hour. Counts one row per post as collected (copies are not merged).
CREATE OR REPLACE VIEW engagement_growth AS
SELECT p.post_id, p.observed_at, p.likes, p.shares, p.replies, p.score, p.views,
       {{engagement}} AS engagement,
       {{engagement}} - lag({{engagement}}) OVER w AS gained,
       date_diff('second', lag(p.observed_at) OVER w, p.observed_at) / 3600.0 AS hours,
       ({{engagement}} - lag({{engagement}}) OVER w)
           / greatest(date_diff('second', lag(p.observed_at) OVER w, p.observed_at) / 3600.0,
                      1.0 / 60) AS gained_per_hour
FROM engagement_history p
WINDOW w AS (PARTITION BY p.post_id ORDER BY p.observed_at);
