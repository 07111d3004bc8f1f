-- The most active (or most engaging) authors; posts without an author are left out.
SELECT p.source, p.author, count(*) AS posts,
       sum({{engagement}}) AS engagement,
       avg(p.sentiment) AS avg_sentiment
FROM posts p
WHERE {{filters}} AND p.author IS NOT NULL
GROUP BY p.source, p.author
ORDER BY {{author_order}}, p.source, p.author
LIMIT $limit
