-- Each channel's last attempt, last success, failures and posts collected in 24 hours.
-- A post belongs to the channel that stored it first, so the channels' counts add up to
-- the source's.
CREATE OR REPLACE VIEW source_health AS
SELECT s.source_name, s.source, s.channel, s.last_attempt_at, s.last_success_at,
       s.consecutive_failures, s.last_error, s.next_due_at,
       (SELECT count(*) FROM posts p
         WHERE p.source_name = s.source_name
           AND p.channel = s.channel
           AND p.collected_at >= now() - INTERVAL 1 DAY) AS posts_last_24h
FROM source_state s;
