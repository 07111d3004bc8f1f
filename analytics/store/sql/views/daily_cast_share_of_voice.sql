-- Within each show, each cast member's share of the show's people mentions that day
-- (posts); stories count copies of one story once.
CREATE OR REPLACE VIEW daily_cast_share_of_voice AS
WITH person_days AS (
    SELECT CAST(timezone('UTC', p.created_at) AS DATE) AS day,
           e.show_id, m.entity_id, e.name AS person_name,
           count(*) AS mentions,
           count(DISTINCT coalesce(p.story_id, p.post_id)) AS stories
    FROM mentions m
    JOIN posts p USING (post_id)
    JOIN entities e USING (entity_id)
    WHERE e.kind = 'person'
    GROUP BY ALL
)
SELECT day, show_id, entity_id, person_name, mentions,
       CAST(sum(mentions) OVER (PARTITION BY day, show_id) AS BIGINT) AS show_mentions,
       100.0 * mentions / sum(mentions) OVER (PARTITION BY day, show_id) AS share_pct,
       stories,
       CAST(sum(stories) OVER (PARTITION BY day, show_id) AS BIGINT) AS show_stories
FROM person_days;
