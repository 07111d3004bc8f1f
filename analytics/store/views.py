"""Analyst views over the core tables (parameter-free), applied by numbered migrations.

Days are UTC calendar days whatever the session's time zone, so a duckdb CLI in another
zone sees the same rows as fanpulse.
"""

from __future__ import annotations

from analytics.core.engagement import engagement

ENGAGEMENT_THEME_ATTENTION_VIEWS: tuple[str, ...] = (
    # Formatted in: the fixed engagement expression from analytics.core.engagement, no values.
    f"""
    CREATE OR REPLACE VIEW post_engagement AS
    SELECT p.*, {engagement("p")} AS engagement
    FROM posts p
    """,  # noqa: S608
    """
    CREATE OR REPLACE VIEW daily_themes AS
    WITH day_posts AS (
        SELECT CAST(timezone('UTC', created_at) AS DATE) AS day, count(*) AS day_posts
        FROM posts GROUP BY 1
    ),
    theme_posts AS (
        SELECT CAST(timezone('UTC', p.created_at) AS DATE) AS day,
               m.entity_id, e.name AS theme_name,
               count(*) AS posts,
               avg(p.sentiment) AS avg_sentiment,
               count(*) FILTER (WHERE p.sentiment_label = 'positive') AS positive
        FROM mentions m
        JOIN posts p USING (post_id)
        JOIN entities e USING (entity_id)
        WHERE e.kind = 'theme'
        GROUP BY ALL
    )
    SELECT t.day, t.entity_id, t.theme_name, t.posts, d.day_posts,
           t.posts / d.day_posts AS share,
           t.avg_sentiment,
           t.positive / t.posts AS positive_share
    FROM theme_posts t JOIN day_posts d USING (day)
    """,
    """
    CREATE OR REPLACE VIEW daily_attention AS
    WITH chatter AS (
        SELECT CAST(timezone('UTC', p.created_at) AS DATE) AS day, m.entity_id,
               count(*) AS mentions
        FROM mentions m JOIN posts p USING (post_id)
        GROUP BY ALL
    )
    SELECT a.day, a.entity_id, e.kind AS entity_kind, e.name AS entity_name,
           a.metric, a.value, coalesce(c.mentions, 0) AS mentions
    FROM attention a
    JOIN entities e USING (entity_id)
    LEFT JOIN chatter c ON c.entity_id = a.entity_id AND c.day = a.day
    """,
)

# The first daily views truncated in the session's time zone: a duckdb CLI elsewhere than
# UTC saw other days than fanpulse. Recreated on UTC calendar days.
UTC_DAILY_VIEWS: tuple[str, ...] = (
    """
    CREATE OR REPLACE VIEW daily_mentions AS
    SELECT CAST(timezone('UTC', p.created_at) AS DATE) AS day,
           m.entity_id, e.kind AS entity_kind, e.name AS entity_name,
           count(*) AS posts,
           count(DISTINCT p.author) AS authors
    FROM mentions m
    JOIN posts p USING (post_id)
    JOIN entities e USING (entity_id)
    GROUP BY ALL
    """,
    """
    CREATE OR REPLACE VIEW daily_sentiment AS
    SELECT CAST(timezone('UTC', p.created_at) AS DATE) AS day,
           m.entity_id, e.name AS entity_name,
           count(*) AS posts,
           avg(p.sentiment) AS avg_sentiment,
           avg(p.vader_compound) AS avg_vader,
           count(*) FILTER (WHERE p.sentiment_label = 'positive') AS positive,
           count(*) FILTER (WHERE p.sentiment_label = 'neutral') AS neutral,
           count(*) FILTER (WHERE p.sentiment_label = 'negative') AS negative
    FROM mentions m
    JOIN posts p USING (post_id)
    JOIN entities e USING (entity_id)
    GROUP BY ALL
    """,
)


# Hours, days and weeks in UTC whatever the session's time zone; weeks start on Monday.
# Like ``daily_mentions`` these list only buckets with posts; ``analytics.queries.timeseries``
# fills the gaps with zeros.
TREND_VIEWS: tuple[str, ...] = (
    """
    CREATE OR REPLACE VIEW hourly_mentions AS
    SELECT timezone('UTC', date_trunc('hour', timezone('UTC', p.created_at))) AS hour,
           m.entity_id, e.kind AS entity_kind, e.name AS entity_name,
           count(*) AS posts,
           count(DISTINCT p.author) AS authors,
           avg(p.sentiment) AS avg_sentiment
    FROM mentions m
    JOIN posts p USING (post_id)
    JOIN entities e USING (entity_id)
    GROUP BY ALL
    """,
    """
    CREATE OR REPLACE VIEW weekly_mentions AS
    SELECT CAST(date_trunc('week', timezone('UTC', p.created_at)) AS DATE) AS week,
           m.entity_id, e.kind AS entity_kind, e.name AS entity_name,
           count(*) AS posts,
           count(DISTINCT p.author) AS authors,
           avg(p.sentiment) AS avg_sentiment,
           count(*) FILTER (WHERE p.sentiment_label = 'positive') AS positive,
           count(*) FILTER (WHERE p.sentiment_label = 'neutral') AS neutral,
           count(*) FILTER (WHERE p.sentiment_label = 'negative') AS negative
    FROM mentions m
    JOIN posts p USING (post_id)
    JOIN entities e USING (entity_id)
    GROUP BY ALL
    """,
    # Each show's share of all show mentions that day; shares of a day add up to 100.
    """
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
    FROM show_days
    """,
    # Within each show, each cast member's share of the show's people mentions that day.
    """
    CREATE OR REPLACE VIEW daily_cast_share_of_voice AS
    WITH person_days AS (
        SELECT CAST(timezone('UTC', p.created_at) AS DATE) AS day,
               e.show_id, m.entity_id, e.name AS person_name,
               count(*) AS mentions
        FROM mentions m
        JOIN posts p USING (post_id)
        JOIN entities e USING (entity_id)
        WHERE e.kind = 'person'
        GROUP BY ALL
    )
    SELECT day, show_id, entity_id, person_name, mentions,
           CAST(sum(mentions) OVER (PARTITION BY day, show_id) AS BIGINT) AS show_mentions,
           100.0 * mentions / sum(mentions) OVER (PARTITION BY day, show_id) AS share_pct
    FROM person_days
    """,
    """
    CREATE OR REPLACE VIEW daily_source_volume AS
    SELECT CAST(timezone('UTC', created_at) AS DATE) AS day,
           source_name, source,
           count(*) AS posts,
           count(DISTINCT author) AS authors,
           avg(sentiment) AS avg_sentiment,
           count(*) FILTER (WHERE sentiment_label = 'positive') AS positive,
           count(*) FILTER (WHERE sentiment_label = 'neutral') AS neutral,
           count(*) FILTER (WHERE sentiment_label = 'negative') AS negative
    FROM posts
    GROUP BY ALL
    """,
)

# ``p.*`` in a view is expanded when the view is created: recreated so that it carries
# the columns added since (post_kind, views).
POST_MENTIONS_VIEW = """
    CREATE OR REPLACE VIEW post_mentions AS
    SELECT m.entity_id, e.kind AS entity_kind, e.name AS entity_name, e.show_id,
           m.matched, p.*
    FROM mentions m
    JOIN posts p USING (post_id)
    JOIN entities e USING (entity_id)
"""
