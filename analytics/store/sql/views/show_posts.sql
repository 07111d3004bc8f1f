-- Each post counted for each show it is about, once: `direct` when it names the show (or
-- came from a channel dedicated to it), else it counts through the show's cast,
-- characters or ships (the rule for a member of several shows is in show_links).
CREATE OR REPLACE VIEW show_posts AS
SELECT post_id, entity_id, bool_or(direct) AS direct
FROM show_links
GROUP BY ALL;
