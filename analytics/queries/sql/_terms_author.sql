CASE WHEN p.author IS NULL THEN hash(p.post_id) ELSE hash(p.source, p.author) END
