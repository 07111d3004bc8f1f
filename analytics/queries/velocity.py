"""Engagement velocity: which posts gain engagement fastest.

Counts are kept over time in ``engagement_history`` (first sight, then every poll or
refresh that finds them changed; see ``collector.engagement``). A post's gain over a window
is its engagement score (``analytics.core.engagement``) at the window's end less the score
at its start, or at first sight for a post first seen inside the window (counts it already
had when found were not gained while watched). Per hour divides by the hours watched in the
window, at least one, so a post seen twice a minute apart does not top the list.

Every function takes an open connection (``connect(path, read_only=True)``).
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from analytics.core.filters import Filters
from analytics.queries.sql import load
from analytics.store import Connection

SNIPPET_CHARS = 280


def rising_posts(
    con: Connection,
    since: datetime,
    until: datetime,
    filters: Filters | None = None,
    limit: int = 10,
) -> pd.DataFrame:
    """The ``limit`` posts that gained most engagement per hour between ``since`` and
    ``until``, among those ``filters`` select (its period is on the posts' creation time).

    Columns: ``post_id``, ``created_at``, ``source``, ``source_name``, ``author``,
    ``title``, ``snippet``, ``url``, ``engagement`` (at ``until``), ``gained``,
    ``gained_per_hour``.
    """
    if since >= until:
        raise ValueError("the window must start before it ends")
    filters = filters or Filters()
    sql = load("velocity_rising", filters=filters.active())
    bound = sql.bind(
        filters.params(),
        since=since,
        until=until,
        snippet_chars=SNIPPET_CHARS,
        limit=limit,
    )
    return con.execute(sql.text, bound).df()
