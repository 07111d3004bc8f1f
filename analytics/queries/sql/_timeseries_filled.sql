coalesce(c.posts, 0) AS posts, coalesce(c.stories, 0) AS stories, c.avg_sentiment,
    coalesce(c.positive, 0) AS positive,
    coalesce(c.neutral, 0) AS neutral,
    coalesce(c.negative, 0) AS negative
