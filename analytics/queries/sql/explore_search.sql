-- The first posts the filters, text and sentiment labels select, newest or most engaging
-- first. Names are gathered only for the rows kept, after the limit.
WITH chosen AS (
    SELECT p.post_id, p.created_at, p.source, p.source_name, p.author, p.title,
           left(p.text, $text_chars) AS text, p.lang, p.sentiment, p.sentiment_label,
           p.likes, p.shares, p.replies, {{engagement}} AS engagement, p.url
    FROM posts p
    WHERE {{_explore_where}}
    ORDER BY {{post_order}}
    LIMIT $limit
),
names AS (
    SELECT m.post_id, string_agg(e.name, '; ' ORDER BY e.kind, e.name) AS entities
    FROM mentions m JOIN entities e USING (entity_id)
    WHERE m.post_id IN (SELECT post_id FROM chosen)
    GROUP BY m.post_id
)
SELECT c.*, n.entities FROM chosen c LEFT JOIN names n USING (post_id)
ORDER BY {{post_order}}
