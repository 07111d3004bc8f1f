"""The demo's engagement history: how the counts of recent posts grew, as refreshes of a
running collector would have recorded them (see collector.engagement).

Every post with counts has its first sight, at ``collected_at``; posts of the last
:data:`GROWING_HOURS` were seen :data:`STEPS` times more up to the build, each time with
more of the counts they end with (a share per post, so some grow fast and some barely).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from analytics.store import Connection, transaction
from analytics.store.engagement import insert_history_from

GROWING_HOURS = 48
STEPS = 3

# Each post's counts at step i of 0..STEPS: its final counts times share + (1 - share) * i/STEPS,
# where share (first-sight share, 0.05..0.95) comes from a hash of the post id; older posts
# have only their first sight, with their final counts. Times spread evenly to the build,
# a microsecond apart at least, so each (post, time) is distinct.
_HISTORY_SQL = """
WITH counted AS (
    SELECT post_id, collected_at, likes, shares, replies, score, views,
           CASE WHEN created_at >= CAST(? AS TIMESTAMPTZ)
                THEN 0.05 + 0.9 * ((hash(post_id, 11) % 1000) / 1000.0) ELSE 1.0 END AS share,
           CASE WHEN created_at >= CAST(? AS TIMESTAMPTZ) THEN ? ELSE 0 END AS steps
    FROM posts
    WHERE coalesce(likes, shares, replies, score, views) IS NOT NULL
),
stepped AS (
    SELECT c.*, unnest(range(steps + 1)) AS i FROM counted c
),
grown AS (
    -- The last step is exactly the final counts (no rounding of share + (1 - share)).
    SELECT *, CASE WHEN i = steps THEN 1.0 ELSE share + (1 - share) * i / steps END AS f
    FROM stepped
)
SELECT post_id,
       collected_at + to_microseconds(CAST(
           i * greatest(0, epoch_us(CAST(? AS TIMESTAMPTZ)) - epoch_us(collected_at))
               / greatest(steps, 1)
           AS BIGINT) + i) AS observed_at,
       CAST(floor(likes * f) AS BIGINT) AS likes,
       CAST(floor(shares * f) AS BIGINT) AS shares,
       CAST(floor(replies * f) AS BIGINT) AS replies,
       CAST(floor(score * f) AS BIGINT) AS score,
       CAST(floor(views * f) AS BIGINT) AS views
FROM grown
"""


def write_engagement_history(con: Connection, end: datetime) -> None:
    """History rows for every demo post with counts (after the posts are in)."""
    growing_since = end - timedelta(hours=GROWING_HOURS)
    # The last step lands a second before the build, never after it.
    last_seen = end - timedelta(seconds=1)
    with transaction(con):
        rows = con.sql(_HISTORY_SQL, params=[growing_since, growing_since, STEPS, last_seen])
        insert_history_from(con, rows)
