-- Daily attention figures (e.g. Wikipedia page views) next to the day's mentions (posts)
-- and stories (copies of one story once).
CREATE OR REPLACE VIEW daily_attention AS
WITH chatter AS (
    SELECT CAST(timezone('UTC', p.created_at) AS DATE) AS day, m.entity_id,
           count(*) AS mentions,
           count(DISTINCT coalesce(p.story_id, p.post_id)) AS stories
    FROM mentions m JOIN posts p USING (post_id)
    GROUP BY ALL
)
SELECT a.day, a.entity_id, e.kind AS entity_kind, e.name AS entity_name,
       a.metric, a.value, coalesce(c.mentions, 0) AS mentions,
       coalesce(c.stories, 0) AS stories
FROM attention a
JOIN entities e USING (entity_id)
LEFT JOIN chatter c ON c.entity_id = a.entity_id AND c.day = a.day;
