-- Each post × entity pair as the figures count it: the mentions of people, characters,
-- ships and themes, and for a show every post about it (show_posts: its cast, characters
-- and ships included). `direct` is false where a show is reached only through a member.
CREATE OR REPLACE VIEW entity_posts AS
SELECT m.post_id, m.entity_id, TRUE AS direct
FROM mentions m
WHERE m.entity_id NOT IN (SELECT entity_id FROM entities WHERE kind = 'show')
UNION ALL
SELECT post_id, entity_id, direct FROM show_posts;
