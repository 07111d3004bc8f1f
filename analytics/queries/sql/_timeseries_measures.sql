count(*) AS posts,
    count(DISTINCT s.story_id) AS stories,
    avg(s.sentiment) AS avg_sentiment,
    count(*) FILTER (WHERE s.sentiment_label = 'positive') AS positive,
    count(*) FILTER (WHERE s.sentiment_label = 'neutral') AS neutral,
    count(*) FILTER (WHERE s.sentiment_label = 'negative') AS negative
