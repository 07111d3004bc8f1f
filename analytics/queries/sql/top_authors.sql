-- The most engaging (or most active) accounts: one row per platform and author, posts
-- without an author left out. An author whose posts are articles is a publisher.
SELECT p.source, p.author,
       CASE WHEN bool_or(p.post_kind = 'article') THEN 'publisher' ELSE 'person' END AS kind,
       count(*) AS posts,
       sum({{engagement}}) AS engagement,
       avg(p.sentiment) AS avg_sentiment
FROM posts p
WHERE {{filters}} AND p.author IS NOT NULL
GROUP BY p.source, p.author
HAVING $kind IS NULL OR kind = $kind
ORDER BY {{author_order}}, p.source, p.author
LIMIT $limit
