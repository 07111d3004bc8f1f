-- Each mention that makes a post count for a show: the show's own mention (a post naming
-- it, or from a channel dedicated to it) or a mention of a member listed under the show (a
-- person, character or ship). A member listed under several shows counts for the shows
-- the post otherwise names (directly or through a member of one show only); when it names
-- none of them, for each show the member is listed under. A post reached through several
-- members has a row for each: show_posts has one row per post and show.
CREATE OR REPLACE VIEW show_links AS
WITH listed AS (
    SELECT entity_id, 'show:' || show_id AS show_entity,
           count(*) OVER (PARTITION BY entity_id) > 1 AS shared
    FROM entity_shows
    UNION ALL
    SELECT entity_id, entity_id, FALSE FROM entities WHERE kind = 'show'
),
shared AS MATERIALIZED (
    -- mentions of members of several shows: few, so kept apart from the rest
    SELECT m.post_id, l.show_entity AS entity_id, m.entity_id AS member
    FROM mentions m JOIN listed l USING (entity_id)
    WHERE m.entity_id IN (SELECT entity_id FROM listed WHERE shared)
),
-- (post, member of several shows) where the post names one of the member's shows
anchored AS (
    SELECT DISTINCT s.post_id, s.member
    FROM shared s
    JOIN mentions m ON m.post_id = s.post_id
    JOIN listed l ON l.entity_id = m.entity_id AND l.show_entity = s.entity_id
    WHERE NOT l.shared AND m.post_id IN (SELECT post_id FROM shared)
)
SELECT m.post_id, l.show_entity AS entity_id, m.entity_id AS member,
       m.entity_id = l.show_entity AS direct
FROM mentions m JOIN listed l USING (entity_id)
WHERE NOT l.shared
UNION ALL
SELECT s.post_id, s.entity_id, s.member, FALSE AS direct FROM shared s
ANTI JOIN anchored a ON a.post_id = s.post_id AND a.member = s.member;
