-- The most engaging posts; ties go to the newer post.
SELECT p.post_id, p.created_at, p.source, p.source_name, p.author, p.title,
       left(p.text, $snippet_chars) AS snippet, p.url, p.likes, p.shares, p.replies, p.score,
       {{engagement}} AS engagement, p.sentiment
FROM posts p
WHERE {{filters}}
ORDER BY engagement DESC, p.created_at DESC, p.post_id
LIMIT $limit
