-- The most engaging posts of each spike window (ranked as top_posts), in one query.
WITH windows AS (
    SELECT unnest(range($window_count)) AS grp, unnest($window_entities::VARCHAR[]) AS entity_id,
           unnest($starts::TIMESTAMPTZ[]) AS start, unnest($stops::TIMESTAMPTZ[]) AS stop
),
-- Posts of the span first, then their mentions (as in terms_by_window.sql).
scoped AS (
    SELECT p.post_id, coalesce(p.story_id, p.post_id) AS story, p.created_at, p.source_name, p.author, p.title,
           left(p.text, $snippet_chars) AS snippet, p.url,
           {{engagement}} AS engagement, p.sentiment
    FROM posts p WHERE {{filters}}
),
linked AS (
    SELECT m.entity_id, s.* FROM scoped s JOIN mentions m USING (post_id)
    WHERE m.entity_id IN (SELECT entity_id FROM windows)
),
-- A story is shown once, by its most engaging copy: its copies are one post to a reader.
story_best AS (
    SELECT w.grp, p.post_id, p.created_at, p.source_name, p.author, p.title, p.snippet,
           p.url, p.engagement, p.sentiment
    FROM linked p
    JOIN windows w ON w.entity_id = p.entity_id
         AND p.created_at >= w.start AND p.created_at < w.stop
    QUALIFY row_number() OVER (
        PARTITION BY w.grp, p.story ORDER BY p.engagement DESC, p.created_at DESC, p.post_id
    ) = 1
)
SELECT p.grp, p.post_id, p.created_at, p.source_name, p.author, p.title, p.snippet,
       p.url, p.engagement, p.sentiment
FROM story_best p
QUALIFY row_number() OVER (
    PARTITION BY p.grp ORDER BY p.engagement DESC, p.created_at DESC, p.post_id
) <= $limit
ORDER BY p.grp, p.engagement DESC, p.created_at DESC, p.post_id
