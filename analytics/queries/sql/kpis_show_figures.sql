-- What the per-show figures of the selected posts add up to: each show counts the posts
-- about it, its cast, characters and ships included, so a post about two shows counts for
-- both and a post about no watched show for none. With entities chosen, only the chosen
-- shows are summed.
WITH scoped AS (
    SELECT p.post_id, coalesce(p.story_id, p.post_id) AS story_id FROM posts p WHERE {{filters}}
),
{{_scoped_links}},
show_pairs AS (
    SELECT DISTINCT sl.entity_id, sl.post_id, s.story_id
    FROM ({{show_links}}) sl JOIN scoped s USING (post_id)
    -- the chosen shows only, when shows are chosen
    WHERE len($entity_ids) = 0 OR list_contains($entity_ids, sl.entity_id)
),
per_show AS (
    SELECT entity_id, count(*) AS posts, count(DISTINCT story_id) AS stories
    FROM show_pairs GROUP BY ALL
)
SELECT (SELECT coalesce(sum(posts), 0) FROM per_show),
       (SELECT coalesce(sum(stories), 0) FROM per_show),
       count(DISTINCT post_id), count(DISTINCT story_id)
FROM show_pairs
