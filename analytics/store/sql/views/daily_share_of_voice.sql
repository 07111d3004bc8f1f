-- Each show's share of all show mentions that day; shares of a day add up to 100.
CREATE OR REPLACE VIEW daily_share_of_voice AS
WITH show_days AS (
    SELECT CAST(timezone('UTC', p.created_at) AS DATE) AS day,
           m.entity_id, e.name AS show_name,
           count(*) AS mentions
    FROM mentions m
    JOIN posts p USING (post_id)
    JOIN entities e USING (entity_id)
    WHERE e.kind = 'show'
    GROUP BY ALL
)
SELECT day, entity_id, show_name, mentions,
       CAST(sum(mentions) OVER (PARTITION BY day) AS BIGINT) AS day_mentions,
       100.0 * mentions / sum(mentions) OVER (PARTITION BY day) AS share_pct
FROM show_days;
