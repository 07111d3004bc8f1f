-- Posts and average sentiment before (day < 0) and after day 0, per event.
WITH {{_events_hits}}
SELECT event_id,
       count(*) FILTER (WHERE day < 0), count(*) FILTER (WHERE day >= 0),
       avg(sentiment) FILTER (WHERE day < 0), avg(sentiment) FILTER (WHERE day >= 0)
FROM hits GROUP BY event_id
