-- Each show's share of the posts naming a show that day (the show itself, not its cast;
-- daily_show_volume includes the cast); shares of a day add up to 100. Stories count
-- copies of one story once, with their own day total and share.
CREATE OR REPLACE VIEW daily_share_of_voice AS
WITH show_days AS (
    SELECT CAST(timezone('UTC', p.created_at) AS DATE) AS day,
           m.entity_id, e.name AS show_name,
           count(*) AS mentions,
           count(DISTINCT coalesce(p.story_id, p.post_id)) AS stories
    FROM mentions m
    JOIN posts p USING (post_id)
    JOIN entities e USING (entity_id)
    WHERE e.kind = 'show'
    GROUP BY ALL
)
SELECT day, entity_id, show_name, mentions,
       CAST(sum(mentions) OVER (PARTITION BY day) AS BIGINT) AS day_mentions,
       100.0 * mentions / sum(mentions) OVER (PARTITION BY day) AS share_pct,
       stories,
       CAST(sum(stories) OVER (PARTITION BY day) AS BIGINT) AS day_stories,
       100.0 * stories / sum(stories) OVER (PARTITION BY day) AS story_share_pct
FROM show_days;
