-- Show-level volume per UTC day: posts and stories about each show, its cast, characters
-- and ships included (show_posts), and each show's share of the day's show stories. A post
-- about two shows counts for both, so shares are of show mentions and add up to 100.
CREATE OR REPLACE VIEW daily_show_volume AS
WITH show_days AS (
    SELECT CAST(timezone('UTC', p.created_at) AS DATE) AS day,
           sp.entity_id, e.name AS show_name,
           count(*) AS posts,
           count(DISTINCT coalesce(p.story_id, p.post_id)) AS stories,
           count(*) FILTER (WHERE sp.direct) AS direct_posts,
           count(DISTINCT p.author) AS authors
    FROM show_posts sp
    JOIN posts p USING (post_id)
    JOIN entities e ON e.entity_id = sp.entity_id
    GROUP BY ALL
)
SELECT day, entity_id, show_name, posts, stories, direct_posts, authors,
       CAST(sum(stories) OVER (PARTITION BY day) AS BIGINT) AS day_stories,
       100.0 * stories / sum(stories) OVER (PARTITION BY day) AS share_pct
FROM show_days;
