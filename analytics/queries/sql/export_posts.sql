-- Posts with the entities they mention, oldest first; story_id tells copies of one story.
SELECT p.post_id, p.story_id, p.created_at, p.source, p.source_name, p.channel, p.post_kind, p.url,
       p.author, p.title, p.text, p.lang, p.likes, p.shares, p.replies, p.score, p.views,
       p.vader_compound, p.sentiment, p.sentiment_label, p.sentiment_version,
       {{export_entities}} AS entities
FROM posts p
LEFT JOIN (
    SELECT post_id, list(entity_id ORDER BY entity_id) AS entity_ids FROM mentions GROUP BY 1
) m USING (post_id)
WHERE {{filters}}
ORDER BY p.created_at, p.post_id
