-- Posts and stories per compared entity: those of $kind, of one show when $show_id is
-- set, and only $entity_ids when given ({{filters}} leaves out its entity condition). A
-- show counts the posts about its cast, characters and ships too (show_links). Shares
-- are of $unit (stories: copies of one story once; posts: every copy).
WITH compared AS (
    SELECT entity_id, name FROM entities
    WHERE kind = $kind
      AND ($show_id IS NULL OR show_id = $show_id)
      AND (len($entity_ids) = 0 OR list_contains($entity_ids, entity_id))
),
scoped AS (
    SELECT p.post_id, coalesce(p.story_id, p.post_id) AS story_id FROM posts p
    WHERE {{filters}}
),
{{_scoped_links}},
pairs AS (
    SELECT DISTINCT m.entity_id, s.post_id, s.story_id
    FROM entity_links m JOIN scoped s USING (post_id)
    WHERE m.entity_id IN (SELECT entity_id FROM compared)
),
counts AS (
    SELECT entity_id, count(*) AS posts, count(DISTINCT story_id) AS stories
    FROM pairs GROUP BY ALL
),
measured AS (
    SELECT k.entity_id, k.name, coalesce(c.posts, 0) AS posts,
           coalesce(c.stories, 0) AS stories,
           CASE WHEN $unit = 'posts' THEN coalesce(c.posts, 0) ELSE coalesce(c.stories, 0) END
               AS mentions
    FROM compared k LEFT JOIN counts c USING (entity_id)
)
SELECT entity_id, name, mentions,
       100.0 * mentions / nullif(sum(mentions) OVER (), 0) AS share_pct,
       posts, stories
FROM measured
ORDER BY mentions DESC, entity_id
