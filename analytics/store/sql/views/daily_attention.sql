-- Daily attention figures (e.g. Wikipedia page views) next to the day's mentions.
CREATE OR REPLACE VIEW daily_attention AS
WITH chatter AS (
    SELECT CAST(timezone('UTC', p.created_at) AS DATE) AS day, m.entity_id,
           count(*) AS mentions
    FROM mentions m JOIN posts p USING (post_id)
    GROUP BY ALL
)
SELECT a.day, a.entity_id, e.kind AS entity_kind, e.name AS entity_name,
       a.metric, a.value, coalesce(c.mentions, 0) AS mentions
FROM attention a
JOIN entities e USING (entity_id)
LEFT JOIN chatter c ON c.entity_id = a.entity_id AND c.day = a.day;
