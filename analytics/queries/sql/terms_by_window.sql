-- Terms rising in many windows at once: window grp looks at the posts mentioning its
-- entity, its target [start, stop) against its baseline [baseline_start, start).
WITH windows AS (
    SELECT unnest(range($window_count)) AS grp, unnest($window_entities::VARCHAR[]) AS entity_id,
           unnest($baseline_starts::TIMESTAMPTZ[]) AS baseline_start,
           unnest($starts::TIMESTAMPTZ[]) AS start, unnest($stops::TIMESTAMPTZ[]) AS stop
),
-- Posts of the span first, then their mentions: joining mentions to the windows
-- first builds a hash table of every mention of those entities, 5x slower.
scoped AS (
    SELECT p.post_id, p.created_at, p.source, p.author, p.lang, p.title, p.text
    FROM posts p WHERE {{filters}}
),
linked AS (
    SELECT m.entity_id, s.* FROM scoped s JOIN mentions m USING (post_id)
    WHERE m.entity_id IN (SELECT entity_id FROM windows)
),
docs AS (
    SELECT w.grp, p.created_at >= w.start AS target, {{_terms_author}} AS who,
           {{_terms_lang}} AS lang, {{_terms_body}} AS body
    FROM linked p
    JOIN windows w ON w.entity_id = p.entity_id
         AND p.created_at >= w.baseline_start AND p.created_at < w.stop
),
{{_terms_scoring}}
